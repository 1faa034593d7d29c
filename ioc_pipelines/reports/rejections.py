"""Rejection reports — the provider's feedback on each delivery: every rejected record with its
reasons and what to correct, in plain Vietnamese, as a web page, as CSV and as an Excel workbook
the provider can open, fix and send back (a corrected re-delivery supersedes the rejected
records); then what was accepted but changed or doubtful (a retired commune code converted, an
ID another person also carries …: records kept with warnings), and what the file held that was
not read (columns no field takes, heading rows). Nothing is done to a provider's data without
telling them.

Each file speaks the provider's language: the columns it delivered, named and ordered as its
header had them (``work.ops.delivered_columns``, recorded at load) with the values as
delivered (from the raw tables: a value that could not be typed as it was written) — no
column the pipeline derived —, the provider and the source by their names, each reason and
its fix in words, and a sheet explaining every reason code. The records are those of
``work.validated.feedback_records``; they hold the provider's own records, so they
go to the work bucket (``reports/rejections/<provider>/<delivery>.{html,csv,xlsx}``) and a local copy
under ``$IOC_HOME/reports/rejections/``, never to the published warehouse. Produced on every
run, also when the gate blocks a release: that is when providers need them most.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from connectors.reasons_vi import notice_vi
from ioc_pipelines.core import state, unchanged
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.reports.rejection_files import write_report
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import write_atomically
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class RejectionReport:
    provider: str
    delivery_id: str
    source: str
    records: int  # rejected records
    csv_key: str
    xlsx_key: str
    html_key: str
    local_dir: Path
    kept: int = 0  # records accepted with a warning (a conversion, a doubt)
    notices: tuple[str, ...] = ()  # what the file held that was not read


def render_rejection_reports(settings: Settings, *, provider: str | None = None,
                             delivery_id: str | None = None) -> list[RejectionReport]:
    where, params = ["TRUE"], []
    if provider:
        where.append("provider_code = ?")
        params.append(provider)
    if delivery_id:
        where.append("delivery_id = ?")
        params.append(delivery_id)
    made = _Made(settings)
    with connect(settings) as con:
        state.ensure(con)
        if not state.work_table_exists(con, "validated", "feedback_records"):
            return []  # dbt has not built the quarantine yet
        groups = _groups(con, " AND ".join(where), params, provider, delivery_id)
        versions = _raw_versions(con)
        reports, stale = [], []
        for (prov, delivery), group in groups.items():
            report = _report(settings, prov, delivery, group)
            inputs = made.digest(group["digest"], report.records, report.kept, report.notices,
                                 provider_name(settings, prov), source_title(report.source),
                                 group["first"], [versions.get(t) for t in group["tables"]])
            reports.append(report)
            if not made.same(report, inputs):  # else made from the same records by this code
                stale.append((report, inputs, group))
        rows: list[dict] = []
        if stale:  # only the records of the reports to make again are read
            cursor = con.execute(
                "SELECT provider_code, delivery_id, source, raw_table, delivery_date, file_name, "
                "record_number, reason_codes, is_rejected, reasons_vi, fixes_vi "
                f"FROM work.validated.feedback_records WHERE {' AND '.join(where)} "
                "AND list_contains(?, delivery_id) "
                "ORDER BY provider_code, delivery_id, raw_table, record_number",
                [*params, sorted({report.delivery_id for report, _, _ in stale})])
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        headers = state.delivered_columns(con, sorted({r["delivery_id"] for r in rows}))
        values = _delivered_values(con, rows)
    records: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        records[(row["provider_code"] or "unknown", row["delivery_id"])].append(row)
    for report, inputs, group in stale:
        write_report(settings, report, group, records[(report.provider, report.delivery_id)],
                     headers, values)
        made.keep(report, inputs)
    made.save()
    return reports


def _groups(con, where: str, params: list, provider: str | None,
            delivery_id: str | None) -> dict[tuple[str, str], dict]:
    """Per (provider, delivery): its records counted and digested in the engine (a delivery's
    raw records never change, so its feedback rows say all its report is made from), the
    first record's source, file and date, and the notices of its files."""
    groups: dict[tuple[str, str], dict] = {}
    for prov, delivery, rejected, kept, digest, first, tables in con.execute(
            "SELECT provider_code, delivery_id, count(*) FILTER (WHERE is_rejected), "
            "count(*) FILTER (WHERE NOT is_rejected), bit_xor(hash(source, raw_table, "
            "delivery_date, file_name, record_number, reason_codes, is_rejected, reasons_vi, "
            "fixes_vi)), arg_min({'source': source, 'file_name': file_name, "
            "'delivery_date': delivery_date}, (raw_table, record_number)), "
            "list(DISTINCT raw_table ORDER BY raw_table) "
            f"FROM work.validated.feedback_records WHERE {where} GROUP BY ALL ORDER BY ALL",
            params).fetchall():
        groups[(prov or "unknown", delivery)] = {
            "rejected": rejected, "kept": kept, "digest": str(digest), "first": first,
            "tables": tables, "notices": []}
    for n in state.delivery_notices(con):
        if (provider and n["provider_code"] != provider) or (
                delivery_id and n["delivery_id"] != delivery_id):
            continue
        group = groups.setdefault((n["provider_code"] or "unknown", n["delivery_id"]), {
            "rejected": 0, "kept": 0, "digest": "", "tables": [], "notices": [],
            "first": {k: n[k] for k in ("source", "file_name", "delivery_date")}})
        group["notices"].append(f"{n['file_name']}: {notice_vi(n['notice'])}")
    return groups


def _raw_versions(con) -> dict[str, tuple]:
    """Per raw table: its id and the last snapshot that deleted or changed rows in it. Loads
    only append a delivery's records, which are then never changed: a report's records and
    its delivery's raw values stand until something rewrote the raw table in place."""
    return {name: (table_id, changed) for name, table_id, changed in con.execute(
        "SELECT t.table_name, t.table_id, max(s.snapshot_id) FILTER (WHERE list_contains("
        "s.changes['tables_deleted_from'], t.table_id::VARCHAR)) FROM "
        "ducklake_table_info('work') AS t, ducklake_snapshots('work') AS s "
        "WHERE list_contains(?, t.table_name) GROUP BY ALL", [sorted(_raw_tables())]).fetchall()}


def _report(settings: Settings, prov: str, delivery: str, group: dict) -> RejectionReport:
    folder, name = f"reports/rejections/{safe_name(prov)}", safe_name(delivery)
    return RejectionReport(prov, delivery, group["first"]["source"], group["rejected"],
                           f"{folder}/{name}.csv", f"{folder}/{name}.xlsx",
                           f"{folder}/{name}.html",
                           settings.reports_dir / "rejections" / safe_name(prov),
                           group["kept"], tuple(group["notices"]))


class _Made:
    """What each delivery's report was made from (a digest of its feedback rows, counted and
    digested by the engine, its notices, names and the code that renders it), kept in ``$IOC_HOME/state/rejection-reports.json``: a run
    renders again only the reports whose inputs changed or whose files are not all there."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.home / "state" / "rejection-reports.json"
        try:
            self.kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.kept = {}
        self.changed = False
        self.code = unchanged.code_digest()

    def digest(self, *inputs) -> str:
        text = json.dumps([self.code, *inputs], default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def same(self, report: RejectionReport, inputs: str) -> bool:
        name = Path(report.csv_key).stem
        return (self.kept.get(f"{report.provider}/{report.delivery_id}") == inputs
                and all((report.local_dir / f"{name}.{e}").is_file()
                        for e in ("csv", "xlsx", "html")))

    def keep(self, report: RejectionReport, inputs: str) -> None:
        self.kept[f"{report.provider}/{report.delivery_id}"] = inputs
        self.changed = True

    def save(self) -> None:
        if self.changed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps(self.kept, sort_keys=True).encode("utf-8"))


def safe_name(text: str) -> str:
    """A provider code or delivery id as one path segment (they are codes, but never trusted)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".") or "_"


def _raw_tables() -> set[str]:
    from connectors import SOURCES, get_connector

    return {t for s in SOURCES for t in get_connector(s).raw_tables.values()}


def _delivered_values(con, rows: list[dict]) -> dict[tuple, dict]:
    """(raw table, delivery, file, record number) -> {field: the value as delivered} for the
    records of ``rows``, read from the raw tables: the typed value, or the delivered text
    where it could not be typed."""
    wanted: dict[tuple[str, str], list[int]] = defaultdict(list)
    known = _raw_tables()
    for row in rows:
        if row["raw_table"] in known:  # never a name from data into SQL
            wanted[(row["raw_table"], row["delivery_id"])].append(row["record_number"])
    out: dict[tuple, dict] = {}
    for (table, delivery), numbers in wanted.items():
        if not state.work_table_exists(con, "raw", table):
            continue
        # the records joined to their numbers (a hash join): a list searched per row cost
        # minutes for a delivery with 100 000 rejected records
        cursor = con.execute(
            f"SELECT raw.* FROM work.raw.{table} AS raw SEMI JOIN "
            "(SELECT unnest(?::BIGINT[]) AS number) AS wanted "
            "ON raw._record_number = wanted.number WHERE raw._delivery_id = ?",
            [numbers, delivery])
        names = [d[0] for d in cursor.description]
        for record in cursor.fetchall():
            value = dict(zip(names, record, strict=True))
            invalid = json.loads(value["_invalid"]) if value.get("_invalid") else {}
            fields = {n: invalid.get(n, v) for n, v in value.items() if not n.startswith("_")}
            out.setdefault((table, delivery, value["_file"], value["_record_number"]), fields)
    return out
