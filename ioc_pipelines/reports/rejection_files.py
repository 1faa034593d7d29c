"""The files of a rejection report (core of reports/rejections.py): the provider's columns
as headed, the records with their reasons and fixes, as a web page, a CSV and a workbook."""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ioc_pipelines.core import vi_format
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.core.reference import quality_rules
from ioc_pipelines.reports.rejection_workbook import Sheet, workbook
from ioc_pipelines.reports.rendering import environment
from ioc_pipelines.reports.spreadsheet import csv_text
from ioc_pipelines.resources.object_store import object_store, write_atomically
from ioc_pipelines.settings import Settings

if TYPE_CHECKING:
    from ioc_pipelines.reports.rejections import RejectionReport

RECORD, CODES = "Bản ghi số", "Mã lỗi"
FIXED = [RECORD, "Lỗi", "Cách khắc phục"]
KEPT_FIXED = [RECORD, "Lưu ý", "Cách khắc phục"]
REJECTED_SHEET, KEPT_SHEET = "Bản ghi bị từ chối", "Đã nhận, có lưu ý"
# records shown on the web page per table: a browser cannot lay out 100 000 rows; the
# workbook and the CSV hold them all
PAGE_ROWS = 1000


def write_report(settings: Settings, report: RejectionReport, group: dict,
                 records: list[dict], headers: dict, values: dict) -> None:
    """The delivery's report as a web page, a CSV and a workbook, to the work bucket and the
    local copy."""
    rejected_rows = [r for r in records if r["is_rejected"]]
    kept_rows = [r for r in records if not r["is_rejected"]]
    columns = _columns(rejected_rows + kept_rows, headers, values)
    rejected = _table(rejected_rows, columns, values)
    kept = _table(kept_rows, columns, values)
    first, notices = group["first"], list(report.notices)
    labels = [label for label, _fields in columns]
    who, what = provider_name(settings, report.provider), source_title(report.source)
    folder = str(Path(report.csv_key).parent)
    name = Path(report.csv_key).stem
    kind = ("Báo cáo bản ghi bị từ chối" if rejected
            else "Phản hồi lần giao (không có bản ghi bị từ chối)")
    title = f"{kind} — {who}"
    about = (f"{what} · tệp {first['file_name']} giao ngày "
             f"{vi_format.day(first['delivery_date'])}")
    codes = sorted({c for r in records for c in r["reason_codes"]})
    rules = quality_rules()
    reasons = [_reason(code, rules) for code in codes]
    sheets = [Sheet(REJECTED_SHEET, [*FIXED, *labels, CODES], rejected,
                    ["Sửa các bản ghi dưới đây theo cột “Cách khắc phục” rồi giao lại; "
                     "lần giao sau sẽ thay thế các bản ghi này."])]
    if kept or notices:
        sheets.append(Sheet(KEPT_SHEET, [*KEPT_FIXED, *labels, CODES], kept,
                            ["Đã nhận nhưng có lưu ý: bản ghi đã được tự chuyển đổi (ví dụ "
                             "mã xã cũ sang mã mới) hoặc cần kiểm tra; từ lần giao sau hãy "
                             "sửa theo cột “Cách khắc phục”.",
                             *(f"Tệp {n}" for n in notices)], warning=True))
    files = {
        "csv": _csv([*FIXED, *labels, CODES], rejected),
        "xlsx": workbook(title, [about, f"Mã lần giao: {report.delivery_id}"], sheets, reasons),
        "html": _page().render(
            title=title, about=about, delivery_id=report.delivery_id,
            header=[*FIXED, *labels, CODES], rows=rejected[:PAGE_ROWS],
            rejected_count=len(rejected), kept_count=len(kept),
            kept_header=[*KEPT_FIXED, *labels, CODES], kept=kept[:PAGE_ROWS],
            notices=notices, reasons=reasons,
            xlsx_name=f"{name}.xlsx", csv_name=f"{name}.csv").encode(),
    }
    report.local_dir.mkdir(parents=True, exist_ok=True)
    store = object_store(settings)
    for extension, data in files.items():
        write_atomically(report.local_dir / f"{name}.{extension}", data)
        store.put_bytes(settings.work_bucket, f"{folder}/{name}.{extension}", data)


@functools.cache
def _page():
    """The web page's template, compiled once per process (a run makes many reports)."""
    return environment().get_template("rejections.html.j2")


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
