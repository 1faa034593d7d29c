"""SensorThings API polling for ``ioc live``: each query of ``IOC_STA_URLS`` is fetched
every ``IOC_STA_POLL_SECONDS``, following ``@iot.nextLink``; each page is read by the IoT
connector and kept in the spool (``live_intake.receive``, the door of the notifications)
before the query's cursor moves. ``{since}`` in a query becomes the newest observation time read
from it (at first, a day ago) — so a restart re-reads from there, and what is read twice is
one reading (the natural key)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.error import URLError

from connectors.iot.sensorthings import fetch_pages
from ioc_pipelines.core import live_intake, live_spool
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import Settings

MAX_PAGES = 200  # per query and poll; the rest is read at the next poll (the cursor moved)
FIRST_LOOK = timedelta(days=1)


@dataclass
class PollReport:
    pages: int = 0
    readings: int = 0
    refused: int = 0
    failed: list[str] = field(default_factory=list)


def _since(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty(page) -> bool:
    return isinstance(page, dict) and not any(page.get(k) for k in ("value", "values")) and (
        "value" in page or "values" in page)


def poll_once(settings: Settings, *, log: Callable[[str], None] = lambda _m: None
              ) -> PollReport:
    """Every query once; a query that fails is said and retried at the next poll."""
    report = PollReport()
    for provider, url in settings.live.sta_queries:
        name = f"sta|{provider}|{url}"
        since = live_spool.cursor(settings, name) or _since(datetime.now(UTC) - FIRST_LOOK)
        try:
            pages = fetch_pages(url.replace("{since}", since), max_pages=MAX_PAGES)
        except (OSError, URLError, ValueError) as exc:
            report.failed.append(f"{url}: {exc}")
            log(f"SensorThings: {url}: {type(exc).__name__}: {exc}")
            continue
        newest = None
        for page in pages:
            if _empty(page):
                continue
            report.pages += 1
            try:
                got = live_intake.receive(
                    settings, channel="sensorthings", origin=url[:200], provider=provider,
                    payload=json.dumps(page, ensure_ascii=False).encode())
            except CoreError as exc:  # kept in the spool as refused, with the reason
                report.refused += 1
                log(f"SensorThings: a page of {url} refused: {exc}")
                continue
            report.readings += got.readings
            if got.newest is not None and (newest is None or got.newest > newest):
                newest = got.newest
        if newest is not None:
            live_spool.set_cursor(settings, name, _since(newest))
    return report
