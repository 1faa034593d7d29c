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
from datetime import date, datetime
from pathlib import Path

from connectors.reasons_vi import notice_vi
from ioc_pipelines.core import state, unchanged, vi_format
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.core.reference import quality_rules
from ioc_pipelines.reports.rejection_workbook import Sheet, workbook
from ioc_pipelines.reports.rendering import environment
from ioc_pipelines.reports.spreadsheet import csv_text
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store, write_atomically
from ioc_pipelines.settings import Settings

RECORD, CODES = "Bản ghi số", "Mã lỗi"
FIXED = [RECORD, "Lỗi", "Cách khắc phục"]
KEPT_FIXED = [RECORD, "Lưu ý", "Cách khắc phục"]
REJECTED_SHEET, KEPT_SHEET = "Bản ghi bị từ chối", "Đã nhận, có lưu ý"
# records shown on the web page per table: a browser cannot lay out 100 000 rows; the
# workbook and the CSV hold them all
PAGE_ROWS = 1000


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
    with connect(settings) as con:
        state.ensure(con)
        if not state.work_table_exists(con, "validated", "feedback_records"):
            return []  # dbt has not built the quarantine yet
        cursor = con.execute(
            "SELECT provider_code, delivery_id, source, raw_table, delivery_date, file_name, "
            "record_number, reason_codes, is_rejected, reasons_vi, fixes_vi "
            f"FROM work.validated.feedback_records WHERE {' AND '.join(where)} "
            "ORDER BY provider_code, delivery_id, raw_table, record_number", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        notices = [n for n in state.delivery_notices(con)
                   if (not provider or n["provider_code"] == provider)
                   and (not delivery_id or n["delivery_id"] == delivery_id)]
        headers = state.delivered_columns(con, sorted({r["delivery_id"] for r in rows}))
        values = _delivered_values(con, rows)
    groups: dict[tuple[str, str], dict] = {}
    for row in [*rows, *notices]:
        key = (row["provider_code"] or "unknown", row["delivery_id"])
        group = groups.setdefault(key, {"first": row, "rejected": [], "kept": [], "notices": []})
        if "notice" in row:
            group["notices"].append(f"{row['file_name']}: {notice_vi(row['notice'])}")
        else:
            group["rejected" if row["is_rejected"] else "kept"].append(row)
    store = object_store(settings)
    page = environment().get_template("rejections.html.j2")
    rules = quality_rules()
    reports = []
    made = _Made(settings)
    for (prov, delivery), group in groups.items():
        records = group["rejected"] + group["kept"]
        columns = _columns(records, headers, values)
        rejected = _table(group["rejected"], columns, values)
        kept = _table(group["kept"], columns, values)
        first = group["first"]
        labels = [label for label, _fields in columns]
        who, what = provider_name(settings, prov), source_title(first["source"])
        folder = f"reports/rejections/{safe_name(prov)}"
        name = safe_name(delivery)
        local = settings.reports_dir / "rejections" / safe_name(prov)
        report = RejectionReport(prov, delivery, first["source"], len(rejected),
                                 f"{folder}/{name}.csv", f"{folder}/{name}.xlsx",
                                 f"{folder}/{name}.html", local, len(kept),
                                 tuple(group["notices"]))
        reports.append(report)
        inputs = made.digest(rejected, kept, labels, group["notices"], who, what, first)
        if made.same(report, inputs):
            continue  # made from the same records by the same code: the files stand
        kind = ("Báo cáo bản ghi bị từ chối" if rejected
                else "Phản hồi lần giao (không có bản ghi bị từ chối)")
        title = f"{kind} — {who}"
        about = (f"{what} · tệp {first['file_name']} giao ngày "
                 f"{vi_format.day(first['delivery_date'])}")
        codes = sorted({c for r in records for c in r["reason_codes"]})
        reasons = [_reason(code, rules) for code in codes]
        sheets = [Sheet(REJECTED_SHEET, [*FIXED, *labels, CODES], rejected,
                        ["Sửa các bản ghi dưới đây theo cột “Cách khắc phục” rồi giao lại; "
                         "lần giao sau sẽ thay thế các bản ghi này."])]
        if kept or group["notices"]:
            sheets.append(Sheet(KEPT_SHEET, [*KEPT_FIXED, *labels, CODES], kept,
                                ["Đã nhận nhưng có lưu ý: bản ghi đã được tự chuyển đổi (ví dụ "
                                 "mã xã cũ sang mã mới) hoặc cần kiểm tra; từ lần giao sau hãy "
                                 "sửa theo cột “Cách khắc phục”.",
                                 *(f"Tệp {n}" for n in group["notices"])], warning=True))
        files = {
            "csv": _csv([*FIXED, *labels, CODES], rejected),
            "xlsx": workbook(title, [about, f"Mã lần giao: {delivery}"], sheets, reasons),
            "html": page.render(title=title, about=about, delivery_id=delivery,
                                header=[*FIXED, *labels, CODES], rows=rejected[:PAGE_ROWS],
                                rejected_count=len(rejected), kept_count=len(kept),
                                kept_header=[*KEPT_FIXED, *labels, CODES],
                                kept=kept[:PAGE_ROWS],
                                notices=group["notices"], reasons=reasons,
                                xlsx_name=f"{name}.xlsx", csv_name=f"{name}.csv").encode(),
        }
        local.mkdir(parents=True, exist_ok=True)
        for extension, data in files.items():
            write_atomically(local / f"{name}.{extension}", data)
            store.put_bytes(settings.work_bucket, f"{folder}/{name}.{extension}", data)
        made.keep(report, inputs)
    made.save()
    return reports


class _Made:
    """What each delivery's report was made from (a digest of its rows, notices, names and
    the code that renders it), kept in ``$IOC_HOME/state/rejection-reports.json``: a run
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


def _key(record: dict) -> tuple:
    return (record["raw_table"], record["delivery_id"], record["file_name"],
            record["record_number"])


def _columns(records: list[dict], headers: dict, values: dict) -> list[tuple[str, dict]]:
    """The delivery's columns as the provider headed them, in its order: (header, {raw table:
    field}). A file loaded before headers were recorded: the fields holding a value."""
    columns: dict[str, dict[str, str]] = {}
    for table in dict.fromkeys(r["raw_table"] for r in records):
        delivery = records[0]["delivery_id"]
        pairs = headers.get((delivery, table))
        if pairs is None:
            held = [values.get(_key(r), {}) for r in records if r["raw_table"] == table]
            pairs = [(n, n) for n in dict.fromkeys(n for v in held for n in v)
                     if any(v.get(n) not in (None, "") for v in held)]
        for header, name in pairs:
            taken = {h.casefold() for h in [*FIXED, *KEPT_FIXED, CODES]}
            label = header
            while label.casefold() in taken or (label in columns and table in columns[label]):
                label += " (bis)"  # an Excel table's headers must differ
            columns.setdefault(label, {})[table] = name
    return list(columns.items())


def _table(records: list[dict], columns: list[tuple[str, dict]], values: dict) -> list[list]:
    table = []
    for record in records:
        value = values.get(_key(record), {})
        table.append([record["record_number"], record["reasons_vi"], record["fixes_vi"] or "",
                      *(_cell(value.get(fields.get(record["raw_table"], ""))) for _h, fields
                        in columns),
                      ", ".join(record["reason_codes"])])
    return table


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _reason(code: str, rules: dict) -> dict:
    rule = rules.get(code, {})
    blocking = rule.get("severity") == "block"
    return {"code": code, "principle": vi_format.principle(rule.get("principle", "")),
            "effect": "bản ghi bị từ chối" if blocking else "nhận, có lưu ý",
            "explanation": rule.get("explanation_vi", ""), "fix": rule.get("fix_vi", "")}


def _csv(header: list[str], table: list[list]) -> bytes:
    """UTF-8 with a BOM (Excel reads it as such); dates written ISO (YYYY-MM-DD)."""
    plain = [[c.isoformat() if isinstance(c, (date, datetime)) else c for c in row]
             for row in table]
    return ("\ufeff" + csv_text(header, plain)).encode("utf-8")
