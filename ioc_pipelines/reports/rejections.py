"""Rejection reports — the provider's feedback on each delivery: every rejected record with its
reasons and what to correct, in plain Vietnamese, as a web page, as CSV and as an Excel workbook
the provider can open, fix and send back (a corrected re-delivery supersedes the rejected
records); then what was accepted but changed or doubtful (a retired commune code converted, an
ID another person also carries …: records kept with warnings), and what the file held that was
not read (columns no field takes, heading rows). Nothing is done to a provider's data without
telling them.

Read from ``work.validated.feedback_records`` and the deliveries' notices; they hold the
provider's own records, so they
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

from connectors.reasons_vi import notice_vi
from ioc_pipelines.core import state
from ioc_pipelines.reports.rendering import environment
from ioc_pipelines.reports.spreadsheet import append_row, csv_text, write_row
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store, write_atomically
from ioc_pipelines.settings import Settings

# lineage keys of the delivered values: shown once in the header, not per record
LINEAGE = {"provider_code", "delivery_id", "delivery_date", "file_name", "record_number",
           "loaded_at"}
FIXED = ["Số thứ tự bản ghi", "Tệp", "Mã lỗi", "Lỗi", "Cách khắc phục"]
KEPT_FIXED = ["Số thứ tự bản ghi", "Tệp", "Mã lưu ý", "Lưu ý", "Cách khắc phục"]
KEPT_SHEET = "Đã nhận, có lưu ý"


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
            "record_number, reason_codes, is_rejected, reasons_vi, fixes_vi, delivered_values "
            f"FROM work.validated.feedback_records WHERE {' AND '.join(where)} "
            "ORDER BY provider_code, delivery_id, raw_table, record_number", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        notices = [n for n in state.delivery_notices(con)
                   if (not provider or n["provider_code"] == provider)
                   and (not delivery_id or n["delivery_id"] == delivery_id)]
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
    reports = []
    for (prov, delivery), group in groups.items():
        header, table = _table(group["rejected"])
        kept_header, kept = _table(group["kept"], KEPT_FIXED)
        first = group["first"]
        kind = ("Báo cáo bản ghi bị từ chối" if table
                else "Phản hồi lần giao (không có bản ghi bị từ chối)")
        title = (f"{kind} — đơn vị {prov}, lần giao {delivery} "
                 f"(ngày {first['delivery_date']:%d/%m/%Y}, nguồn {first['source']})")
        folder = f"reports/rejections/{safe_name(prov)}"
        name = safe_name(delivery)
        files = {
            "csv": _csv(header, table),
            "xlsx": _xlsx(title, header, table, kept_header, kept, group["notices"]),
            "html": page.render(title=title, header=header, rows=table,
                                kept_header=kept_header, kept=kept,
                                notices=group["notices"],
                                xlsx_name=f"{name}.xlsx", csv_name=f"{name}.csv").encode(),
        }
        local = settings.reports_dir / "rejections" / safe_name(prov)
        local.mkdir(parents=True, exist_ok=True)
        for extension, data in files.items():
            write_atomically(local / f"{name}.{extension}", data)
            store.put_bytes(settings.work_bucket, f"{folder}/{name}.{extension}", data)
        reports.append(RejectionReport(prov, delivery, first["source"], len(table),
                                       f"{folder}/{name}.csv", f"{folder}/{name}.xlsx",
                                       f"{folder}/{name}.html", local, len(kept),
                                       tuple(group["notices"])))
    return reports


def safe_name(text: str) -> str:
    """A provider code or delivery id as one path segment (they are codes, but never trusted)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip(".") or "_"


def _table(records: list[dict], fixed: list[str] = FIXED) -> tuple[list[str], list[list]]:
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
    return fixed + fields, table


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv(header: list[str], table: list[list]) -> bytes:
    return ("\ufeff" + csv_text(header, table)).encode("utf-8")  # BOM: Excel reads it as UTF-8


def _xlsx(title: str, header: list[str], table: list[list], kept_header: list[str],
          kept: list[list], notices: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bản ghi bị từ chối"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Sửa các bản ghi dưới đây theo cột 'Cách khắc phục' rồi giao lại; bản giao "
                  "sau sẽ thay thế các bản ghi này."])
    _table_sheet(sheet, 3, header, table)
    if kept or notices:
        other = book.create_sheet(KEPT_SHEET)
        append_row(other, ["Đã nhận nhưng có lưu ý: bản ghi đã được tự chuyển đổi (ví dụ mã xã "
                           "cũ sang mã mới) hoặc cần kiểm tra; từ lần giao sau hãy sửa theo "
                           "cột 'Cách khắc phục'."])
        other["A1"].font = Font(bold=True)
        for notice in notices:
            append_row(other, [f"Tệp {notice}"])
        _table_sheet(other, other.max_row + 2, kept_header, kept)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table_sheet(sheet, header_row: int, header: list[str], table: list[list]) -> None:
    """The header (bold on red) at ``header_row``, the rows under it, filters, widths."""
    write_row(sheet, header_row, header)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B03A2E")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(table, start=1):
        write_row(sheet, header_row + offset, row)
    sheet.freeze_panes = f"B{header_row + 1}"
    sheet.auto_filter.ref = (f"A{header_row}:{get_column_letter(len(header))}"
                             f"{len(table) + header_row}")
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[index - 1])) for r in table[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))
