"""Excel deliveries (.xlsx): workbooks read as text cells with explicit limits — a workbook
that inflates past ``MAX_XLSX_BYTES`` (zip bomb) or a sheet with more than ``MAX_XLSX_ROWS``
rows is rejected, not read — and the report forms in them: the table found under its title
rows, its header band (merged, multi-line), number rows and notes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import polars as pl

from connectors.errors import ConnectorError
from connectors.formats import ZIP_MAGIC
from connectors.text import fix_legacy_text, nfc

MAX_XLSX_BYTES = 512 << 20  # uncompressed size of all parts of one workbook
MAX_XLSX_RATIO = 200  # compressed -> uncompressed; real workbooks stay far below
MAX_XLSX_ROWS = 2_000_000



@dataclass
class Sheet:
    name: str
    rows: list[list[str | None]]


@dataclass
class Workbook:
    sheets: list[Sheet]
    encoding: str = "xlsx"


def _cell_text(value: Any) -> str | None:
    """A cell as text. Numbers use a decimal comma and no grouping, which the number parser
    reads unambiguously (a '.' between digits there means thousands, as in Vietnamese)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _check_zip(file: str, data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ConnectorError(file, "not a valid .xlsx workbook (the ZIP container is truncated "
                                   "or corrupt)") from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_XLSX_BYTES or (total > (8 << 20) and total / packed > MAX_XLSX_RATIO):
            raise ConnectorError(file, f"refused: the workbook inflates to {total:,} bytes from "
                                       f"{packed:,} (zip bomb?)")
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise ConnectorError(file, "a ZIP file but not an .xlsx workbook")
        bad = archive.testzip()
        if bad is not None:
            raise ConnectorError(file, f"not a valid .xlsx workbook (part {bad} is corrupt)")


def read_xlsx(file: str, data: bytes) -> Workbook:
    """Every visible sheet of a workbook as rows of cell text; legacy-font text converted."""
    if not data.startswith(ZIP_MAGIC):
        raise ConnectorError(file, "not an .xlsx workbook (no ZIP signature); "
                                   "an old .xls or a renamed text file?")
    _check_zip(file, data)
    import openpyxl  # imported here: only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken parts
        raise ConnectorError(file, f"not a readable .xlsx workbook ({type(exc).__name__}: "
                                   f"{str(exc)[:200]})") from None
    sheets = []
    try:
        for ws in book.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for row in ws.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in row])
                if len(rows) > MAX_XLSX_ROWS:
                    raise ConnectorError(file, f"sheet {ws.title!r} has more than "
                                               f"{MAX_XLSX_ROWS:,} rows")
            while rows and not any(rows[-1]):
                rows.pop()
            sheets.append(Sheet(ws.title, rows))
    except ConnectorError:
        raise
    except Exception as exc:
        raise ConnectorError(file, f"not a readable .xlsx workbook ({type(exc).__name__}: "
                                   f"{str(exc)[:200]})") from None
    finally:
        book.close()
    if not any(s.rows for s in sheets):
        raise ConnectorError(file, "the workbook has no data")
    return _fix_workbook_text(sheets)


def _fix_workbook_text(sheets: list[Sheet]) -> Workbook:
    """Cells typed in a TCVN3/VNI font look like 'Céng hoµ' in Unicode: convert the workbook
    when its text as a whole reads as legacy Vietnamese."""
    sample = "\n".join(c for s in sheets for r in s.rows[:400] for c in r if c)
    _, label = fix_legacy_text(sample)
    if label is None:
        return Workbook([Sheet(s.name, [[nfc(c) if c else c for c in r] for r in s.rows])
                         for s in sheets])
    from connectors.text import tcvn3_to_unicode, vni_to_unicode

    convert = tcvn3_to_unicode if label == "tcvn3" else vni_to_unicode
    return Workbook([Sheet(s.name, [[nfc(convert(c)) if c else c for c in r] for r in s.rows])
                     for s in sheets], encoding=f"xlsx+{label}")


_COLUMN_NUMBER = re.compile(r"^\(?\s*[0-9A-Z]{1,3}\s*\)?$")
_NOTE = re.compile(r"^(ghi chú|ghi chu|lưu ý|luu y|người lập|nguoi lap|nơi nhận|noi nhan|\*)",
                   re.IGNORECASE)


@dataclass
class Table:
    """A table found in a sheet: header labels, data rows, and the text above it (title)."""

    header: list[str]
    rows: list[list[str | None]]
    title_lines: list[str]
    header_row: int  # 1-based row number in the sheet of the first data row minus one


def find_table(sheet: Sheet, score_header, max_scan: int = 30) -> Table | None:
    """Locate the header band of a report-form sheet and return its data rows.

    ``score_header(labels) -> int`` says how many labels of a candidate header the contract
    knows. The header may span several rows (merged cells): each row of the band adds its
    text to the column's label; a merged cell's value carries to the right. A row of column
    numbers ("(1) (2) …") or units under the header is skipped; notes at the end
    ("Ghi chú", "Người lập biểu") end the table.
    """
    rows = sheet.rows
    best = (0, -1, 1)  # score, start row, band height
    for start in range(min(max_scan, len(rows))):
        for height in (1, 2, 3):
            if start + height > len(rows):
                break
            labels = _band_labels(rows[start:start + height])
            score = score_header(labels)
            if score > best[0] or (score == best[0] and score and height < best[2]
                                   and start == best[1]):
                best = (score, start, height)
    score, start, height = best
    if score == 0:
        return None
    header = _band_labels(rows[start:start + height])
    data_start = start + height
    while data_start < len(rows) and _is_number_row(rows[data_start]):
        data_start += 1
    data = []
    for row in rows[data_start:]:
        cells = [c for c in row if c]
        if not cells:
            continue
        if _NOTE.match(cells[0]) and len(cells) <= 2:
            break
        data.append(row)
    title = [" ".join(c for c in r if c) for r in rows[:start] if any(r)]
    return Table(header, data, title, data_start)


def _band_labels(band: list[list[str | None]]) -> list[str]:
    width = max(len(r) for r in band)
    labels = [""] * width
    for depth, row in enumerate(band):
        carry = None
        for i in range(width):
            cell = row[i] if i < len(row) else None
            if cell is None and depth < len(band) - 1 and carry is not None:
                # a horizontally merged group label spans the sub-columns below it
                below = band[depth + 1][i] if i < len(band[depth + 1]) else None
                cell = carry if below else None
            elif cell is not None:
                carry = cell
            if cell:
                labels[i] = f"{labels[i]} {cell}".strip()
    return labels


def _is_number_row(row: list[str | None]) -> bool:
    cells = [c for c in row if c]
    return bool(cells) and all(_COLUMN_NUMBER.match(c) for c in cells) and len(cells) >= 2


def table_to_frame(file: str, table: Table) -> pl.DataFrame:
    names, seen = [], {}
    for i, label in enumerate(table.header):
        name = label or f"column_{i + 1}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    width = len(names)
    rows = [list(r[:width]) + [None] * (width - len(r)) for r in table.rows]
    if not rows:
        raise ConnectorError(file, "the table has a header but no data rows")
    return pl.DataFrame({n: [r[i] for r in rows] for i, n in enumerate(names)},
                        schema={n: pl.Utf8 for n in names})
