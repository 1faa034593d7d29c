"""Rejection reports: for each provider and delivery, every rejected record with its reasons
and what to correct, in plain Vietnamese, as a web page, as CSV and as an Excel workbook the
provider can open, fix and send back (a corrected re-delivery supersedes the rejected records).

Read from ``work.validated.quarantine_records``; they hold the provider's own records, so they
go to the work bucket (``reports/rejections/<provider>/<delivery>.{html,csv,xlsx}``) and a local copy
under ``$IOC_HOME/reports/rejections/``, never to the published warehouse. Produced on every
run, also when the gate blocks a release: that is when providers need them most.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ioc_pipelines.reports.rendering import environment
from ioc_pipelines.reports.spreadsheet import append_row, csv_text
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings

# lineage keys of the delivered values: shown once in the header, not per record
LINEAGE = {"provider_code", "delivery_id", "delivery_date", "file_name", "record_number",
           "loaded_at"}
FIXED = ["Số thứ tự bản ghi", "Tệp", "Mã lỗi", "Lỗi", "Cách khắc phục"]


@dataclass(frozen=True)
class RejectionReport:
    provider: str
    delivery_id: str
    source: str
    records: int
    csv_key: str
    xlsx_key: str
    html_key: str
    local_dir: Path


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
        built = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'work' "
            "AND schema_name = 'validated' AND table_name = 'quarantine_records'").fetchone()[0]
        if not built:
            return []  # dbt has not built the quarantine yet
        cursor = con.execute(
            "SELECT provider_code, delivery_id, source, raw_table, delivery_date, file_name, "
            "record_number, reason_codes, reasons_vi, fixes_vi, delivered_values "
            f"FROM work.validated.quarantine_records WHERE {' AND '.join(where)} "
            "ORDER BY provider_code, delivery_id, raw_table, record_number", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["provider_code"] or "unknown", row["delivery_id"]), []).append(row)
    store = object_store(settings)
    page = environment().get_template("rejections.html.j2")
    reports = []
    for (prov, delivery), records in groups.items():
        header, table = _table(records)
        first = records[0]
        title = (f"Báo cáo bản ghi bị từ chối — đơn vị {prov}, lần giao {delivery} "
                 f"(ngày {first['delivery_date']:%d/%m/%Y}, nguồn {first['source']})")
        folder = f"reports/rejections/{_safe(prov)}"
        name = _safe(delivery)
        files = {
            "csv": _csv(header, table),
            "xlsx": _xlsx(title, header, table),
            "html": page.render(title=title, header=header, rows=table,
                                xlsx_name=f"{name}.xlsx", csv_name=f"{name}.csv").encode(),
        }
        local = settings.reports_dir / "rejections" / _safe(prov)
        local.mkdir(parents=True, exist_ok=True)
        for extension, data in files.items():
            (local / f"{name}.{extension}").write_bytes(data)
            store.put_bytes(settings.work_bucket, f"{folder}/{name}.{extension}", data)
        reports.append(RejectionReport(prov, delivery, first["source"], len(records),
                                       f"{folder}/{name}.csv", f"{folder}/{name}.xlsx",
                                       f"{folder}/{name}.html", local))
    return reports


def _safe(text: str) -> str:
    """A provider code or delivery id as one path segment (they are codes, but never trusted)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".") or "_"


def _table(records: list[dict]) -> tuple[list[str], list[list]]:
    """The fixed columns, then the record's delivered fields (union over the delivery)."""
    values = [json.loads(r["delivered_values"]) if isinstance(r["delivered_values"], str)
              else (r["delivered_values"] or {}) for r in records]
    fields: list[str] = []
    for value in values:
        fields += [k for k in value if k not in LINEAGE and k not in fields]
    table = []
    for record, value in zip(records, values, strict=True):
        table.append([record["record_number"], record["file_name"],
                      ", ".join(record["reason_codes"]), record["reasons_vi"],
                      record["fixes_vi"] or "",
                      *(_cell(value.get(f)) for f in fields)])
    return FIXED + fields, table


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(header: list[str], table: list[list]) -> bytes:
    return ("\ufeff" + csv_text(header, table)).encode("utf-8")  # BOM: Excel reads it as UTF-8


def _xlsx(title: str, header: list[str], table: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bản ghi bị từ chối"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Sửa các bản ghi dưới đây theo cột 'Cách khắc phục' rồi giao lại; bản giao "
                  "sau sẽ thay thế các bản ghi này."])
    append_row(sheet, header)
    for cell in sheet[3]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B03A2E")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table:
        append_row(sheet, row)
    sheet.freeze_panes = "B4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(len(header))}{len(table) + 3}"
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[index - 1])) for r in table[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
