"""The rejection workbook a provider opens in Excel (written with XlsxWriter): the title and the
delivery on top, each sheet's records as a real Excel table — filters, a frozen header,
column widths fit to their content, reasons and fixes wrapped —, dates as dates, printed
landscape on A4 fit to the page width with the header repeated and page numbers; and a sheet
explaining every reason code the file carries.

A delivered value is text, a number or a date, never a formula: every text is written as a
string (``strings_to_formulas``/``_urls``/``_numbers`` off), and a formula-like one
(``=cmd|…``) also with Excel's quote prefix, so editing the cell keeps it text."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter

from ioc_pipelines.reports.spreadsheet import formula_like

REASONS_SHEET = "Giải thích mã lỗi"
REASONS_HEADER = ["Mã lỗi", "Nguyên tắc", "Hệ quả", "Giải thích", "Cách khắc phục"]
WRAPPED = {"Lỗi", "Lưu ý", "Cách khắc phục", "Giải thích"}
MAX_WIDTH, MIN_WIDTH, WRAP_WIDTH = 50, 8, 40


@dataclass(frozen=True)
class Sheet:
    name: str
    header: list[str]
    rows: list[list]
    intro: list[str] = field(default_factory=list)
    warning: bool = False  # records kept with a warning (amber), else rejected (red)


def workbook(title: str, about: list[str], sheets: list[Sheet], reasons: list[dict]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": title, "created": datetime(2000, 1, 1)})
    styles = _styles(book)
    for sheet in sheets:
        _records_sheet(book, styles, title, about, sheet)
    if reasons:
        rows = [[r["code"], r["principle"], r["effect"], r["explanation"], r["fix"]]
                for r in reasons]
        _records_sheet(book, styles, title, about,
                       Sheet(REASONS_SHEET, REASONS_HEADER, rows,
                             ["Mỗi mã lỗi trong tệp này: vì sao bản ghi bị từ chối hoặc được "
                              "nhận có lưu ý, và cách sửa."]))
    book.close()
    return out.getvalue()


def _styles(book) -> dict:
    base = {"valign": "top", "font_name": "Arial", "font_size": 10}
    return {
        "title": book.add_format({**base, "bold": True, "font_size": 13}),
        "about": book.add_format({**base, "italic": True, "font_color": "#555555"}),
        "text": book.add_format(base),
        "inert": book.add_format({**base, "quote_prefix": True}),
        "wrap": book.add_format({**base, "text_wrap": True}),
        "date": book.add_format({**base, "num_format": "dd/mm/yyyy", "align": "left"}),
        "time": book.add_format({**base, "num_format": "dd/mm/yyyy hh:mm", "align": "left"}),
        "header": book.add_format({**base, "bold": True, "font_color": "#FFFFFF",
                                   "bg_color": "#B03A2E", "text_wrap": True}),
        "header_warning": book.add_format({**base, "bold": True, "font_color": "#FFFFFF",
                                           "bg_color": "#B9770E", "text_wrap": True}),
        "header_inert": book.add_format({**base, "bold": True, "font_color": "#FFFFFF",
                                         "bg_color": "#B03A2E", "text_wrap": True,
                                         "quote_prefix": True}),
    }


def _records_sheet(book, styles: dict, title: str, about: list[str], sheet: Sheet) -> None:
    ws = book.add_worksheet(sheet.name)
    ws.write_string(0, 0, title, styles["title"])
    lines = [*about, *sheet.intro]
    for row, line in enumerate(lines, start=1):
        ws.write_string(row, 0, line, styles["inert"] if formula_like(line) else styles["about"])
    top = len(lines) + 2  # the header row (0-based), a blank row above it
    header_style = styles["header_warning" if sheet.warning else "header"]
    for col, name in enumerate(sheet.header):
        ws.write_string(top, col, name, styles["header_inert"] if formula_like(name)
                        else header_style)
    wrapped = [col for col, name in enumerate(sheet.header) if name in WRAPPED]
    for offset, values in enumerate(sheet.rows, start=1):
        for col, value in enumerate(values):
            _write(ws, styles, top + offset, col, value, col in wrapped)
        # a wrapped cell's row grows to its lines (Excel and LibreOffice do not on opening)
        lines = max([1] + [math.ceil(len(str(values[col])) / (WRAP_WIDTH - 2))
                           for col in wrapped])
        if lines > 1:
            ws.set_row(top + offset, 13.5 * lines)
    last = top + max(len(sheet.rows), 1)
    if sheet.rows:
        ws.add_table(top, 0, last, len(sheet.header) - 1, {
            "name": f"Bang{book.worksheets().index(ws) + 1}", "style": "Table Style Light 9",
            "autofilter": True, "header_row": True,
            "columns": [{"header": name, "header_format": styles["header_inert"]
                         if formula_like(name) else header_style} for name in sheet.header]})
    else:
        ws.autofilter(top, 0, top, len(sheet.header) - 1)
    ws.freeze_panes(top + 1, 1)
    for col, name in enumerate(sheet.header):
        ws.set_column(col, col, _width(name, [r[col] for r in sheet.rows[:500]],
                                       name in WRAPPED))
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # the page's width, as many pages long as it takes
    ws.repeat_rows(top)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&L&8" + _footer_text(sheet.name) + "&R&8Trang &P/&N")


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _write(ws, styles: dict, row: int, col: int, value, wrapped: bool) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, styles["text"])
    elif isinstance(value, bool):
        ws.write_string(row, col, "có" if value else "không", styles["text"])
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, styles["text"])
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value.replace(tzinfo=None), styles["time"])
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                          styles["date"])
    else:
        text = str(value)
        style = "inert" if formula_like(text) else ("wrap" if wrapped else "text")
        ws.write_string(row, col, text, styles[style])


def _width(name: str, values: list, wrapped: bool) -> float:
    if wrapped:
        return WRAP_WIDTH
    longest = max([len(str(name))] + [10 if isinstance(v, (date, datetime)) else len(str(v))
                                      for v in values])
    return min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
