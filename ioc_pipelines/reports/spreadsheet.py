"""CSV files and workbook cells a person opens: a delivered value is never a live formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and LibreOffice as a formula (CSV/formula injection, OWASP): ``=HYPERLINK(…)`` or
``=cmd|' /C calc'!A0`` from a provider's file would run on the liaison team's or the
provider's machine. Such text is written inert — in a CSV with a leading apostrophe (the
OWASP remedy), in a workbook as a text cell with Excel's quote prefix (the value shown
unchanged, still text when edited). A plain number (``-12``, ``+3,5``) is left as it is."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def formula_like(value: object) -> bool:
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value))


def csv_cell(value: object) -> object:
    return "'" + value if formula_like(value) else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *,
             lineterminator: str = "\r\n") -> str:
    """A CSV whose every cell is inert (the header too: column names are delivered text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return out.getvalue()


def append_row(sheet, row: Sequence[object]) -> None:
    """``sheet.append(row)`` with every formula-like text kept as text."""
    sheet.append(list(row))
    _inert(sheet[sheet.max_row])


def write_row(sheet, row_number: int, row: Sequence[object]) -> None:
    """Write ``row`` at ``row_number`` (1-based), every formula-like text kept as text."""
    _inert([sheet.cell(row=row_number, column=i, value=v) for i, v in enumerate(row, start=1)])


def _inert(cells) -> None:
    for cell in cells:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def inert_cell(sheet, value: object):
    """A cell of a write-only ``sheet`` (streamed workbooks): formula-like text kept as text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
