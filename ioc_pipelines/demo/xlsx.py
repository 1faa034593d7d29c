"""Workbooks as departments make them: a plain list with a title, or the official report form
(title block, two merged header rows, a row of column numbers, group headings, notes), and
optionally typed in a TCVN3 or VNI font (the text is legacy bytes shown as cp1252 letters)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from connectors.text import encode_tcvn3, encode_vni


def legacy(encoding: str | None) -> Callable[[object], object]:
    """A cell transformer: Unicode text -> the characters a legacy-font workbook stores."""
    if encoding is None:
        return lambda v: v
    encode = encode_tcvn3 if encoding == "tcvn3" else encode_vni

    def convert(value: object) -> object:
        if not isinstance(value, str):
            return value
        return encode(value).decode("cp1252", errors="replace")

    return convert


def write_table_xlsx(path: Path, headers: list[str], rows: list[list], *,
                     title: list[str] | None = None, sheet: str = "Danh sách") -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    for line in title or []:
        ws.append([line])
    if title:
        ws.append([])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    book.save(path)


def write_report_form(path: Path, *, authority: str, title: str, period_label: str,
                      groups: list[tuple[str, list[list]]], current_label: str,
                      encoding: str | None = None, notes: list[str] | None = None,
                      by_commune: bool = False) -> None:
    """The report form: STT | Chỉ tiêu | Đơn vị tính | Kế hoạch năm | Thực hiện (kỳ | lũy kế)
    | Cùng kỳ năm trước | Ghi chú; rows ``[code, name, unit, plan, actual, cumulative,
    same_period_last_year, note]`` under group headings."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    fix = legacy(encoding)
    font = ".VnTime" if encoding == "tcvn3" else "VNI-Times" if encoding == "vni" else \
        "Times New Roman"
    book = Workbook()
    ws = book.active
    ws.title = "Bao cao"
    ws["A1"] = fix(authority)
    ws["A2"] = fix("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws["A3"] = fix(title)
    ws["A4"] = fix(period_label)
    ws.merge_cells("A3:I3")
    ws.merge_cells("A4:I4")
    head = 6
    cols = ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm",
            "Thực hiện", None, "Cùng kỳ năm trước", "Ghi chú"]
    if by_commune:
        cols.insert(2, "Mã xã")
    for i, label in enumerate(cols, start=1):
        if label:
            ws.cell(head, i, fix(label))
    thuc_hien = cols.index("Thực hiện") + 1
    ws.cell(head + 1, thuc_hien, fix(current_label))
    ws.cell(head + 1, thuc_hien + 1, fix("Lũy kế"))
    ws.merge_cells(start_row=head, start_column=thuc_hien, end_row=head,
                   end_column=thuc_hien + 1)
    for i, label in enumerate(cols, start=1):
        if label and label != "Thực hiện":
            ws.merge_cells(start_row=head, start_column=i, end_row=head + 1, end_column=i)
    for i in range(1, len(cols) + 1):
        ws.cell(head + 2, i, f"({i})")
    r = head + 3
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    stt = 0
    for g, (group, rows) in enumerate(groups):
        ws.cell(r, 1, roman[g % len(roman)])
        ws.cell(r, 3 + by_commune, fix(group)).font = Font(bold=True, name=font)
        r += 1
        for row in rows:
            stt += 1
            code, name, unit, plan, actual, cumulative, last_year, note = row[:8]
            values = [stt, code, name, unit, plan, actual, cumulative, last_year, note]
            if by_commune:
                values.insert(2, row[8])
            for i, v in enumerate(values, start=1):
                ws.cell(r, i, fix(v) if isinstance(v, str) else v)
            r += 1
    r += 1
    for line in notes or ["Ghi chú: số liệu tháng báo cáo là số ước thực hiện."]:
        ws.cell(r, 1, fix(line))
        r += 1
    ws.cell(r + 1, 7, fix("Người lập biểu"))
    for row in ws.iter_rows():
        for cell in row:
            cell.font = Font(name=font, bold=cell.font.bold if cell.font else False)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    book.save(path)
