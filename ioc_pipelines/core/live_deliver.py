"""The live readings join the warehouse: every quarter of an hour ``ioc live`` delivers what
its batches wrote since its last delivery — one CSV per provider, through the same ingest as a provider's
file (landing zone, delivery record, checksum) — so the daily path's raw table, its checks
(freshness, completeness), the releases and the briefings hold the readings that came live.

A provider's cursor (the ``_loaded_at`` of the last row delivered) moves only after its file
landed; the service writes the live lake and delivers in the same loop, one after the other,
so no batch commits behind a cursor. A busy home (a run holds the lock) is tried again at the
next loop; what was not delivered is delivered then."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ioc_pipelines.clock import TZ
from ioc_pipelines.core import live_spool
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy
from ioc_pipelines.core.ingest import ingest
from ioc_pipelines.resources.lakes import LIVE, connect, sql_literal
from ioc_pipelines.settings import Settings

LIVE_ACTOR = Actor("ioc-live", "live", "system")
EVERY_MINUTES = 15  # the IoT contract's live freshness SLA is 30 minutes
# the files it delivers, <PROVIDER>__truc_tuyen_<UTC time>.csv: a source whose newest delivery
# is one of them is held to its contract's live SLA (an SQL LIKE pattern)
LIVE_MARK = "__truc_tuyen_"
LIVE_FILES = f"%{LIVE_MARK}%"


@dataclass
class Delivered:
    files: dict[str, int] = field(default_factory=dict)  # provider -> readings delivered
    busy: bool = False


def _cursor_name(provider: str) -> str:
    return f"warehouse|{provider}"


def deliver_to_warehouse(settings: Settings, *, now: datetime | None = None) -> Delivered:
    """Deliver each provider's live readings written up to the start of this quarter hour."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    cutoff = moment.replace(minute=moment.minute - moment.minute % EVERY_MINUTES, second=0,
                            microsecond=0, tzinfo=None)
    out = Delivered()
    day = cutoff.replace(tzinfo=UTC).astimezone(TZ).date()
    with tempfile.TemporaryDirectory(prefix="ioc-live-") as folder:
        ready = []  # (provider, file, readings, newest _loaded_at): written in one read
        with connect(settings, work=False, live=True, live_read_only=True) as con:
            providers = [r[0] for r in con.execute(
                f"SELECT DISTINCT _provider FROM {LIVE}.raw.iot__readings "
                "WHERE _loaded_at <= ? ORDER BY 1", [cutoff]).fetchall()]
            for provider in providers:
                since = live_spool.cursor(settings, _cursor_name(provider))
                where = f"_provider = {sql_literal(provider)} AND _loaded_at <= ?"
                params: list = [cutoff]
                if since:
                    where += " AND _loaded_at > ?"
                    params.append(datetime.fromisoformat(since))
                count, newest = con.execute(
                    f"SELECT count(*), max(_loaded_at) FROM {LIVE}.raw.iot__readings "
                    f"WHERE {where}", params).fetchone()
                if not count:
                    continue
                path = Path(folder) / f"{provider}{LIVE_MARK}{cutoff:%Y-%m-%dT%H%M}.csv"
                con.execute(
                    f"COPY (SELECT sensor_id AS ma_tram, strftime(timezone('UTC', observed_at), "
                    f"'%Y-%m-%dT%H:%M:%SZ') AS thoi_gian, quantity AS thong_so, value AS "
                    f"gia_tri, unit AS don_vi FROM {LIVE}.raw.iot__readings WHERE {where} "
                    f"ORDER BY observed_at, sensor_id, quantity) TO {sql_literal(str(path))} "
                    "(HEADER, DELIMITER ',')", params)
                ready.append((provider, path, count, newest))
        for provider, path, count, newest in ready:
            try:
                [outcome] = ingest(settings, "iot", [path], actor=LIVE_ACTOR, provider=provider,
                                   delivery_date=day, wait=False)
            except Busy:
                out.busy = True
                return out
            if outcome.error is not None:  # said by the ingest's audit; kept to retry
                raise outcome.error
            live_spool.set_cursor(settings, _cursor_name(provider), newest.isoformat())
            out.files[provider] = count
    return out
