"""Readers for the file formats providers deliver, shared by every connector.

Each reader turns bytes into rows of text (``list[dict[str, str | None]]`` or a text-only
Polars frame) and raises :class:`~connectors.base.ConnectorError` naming the file and the
reason when it cannot. Limits are explicit, because a delivered file is untrusted input: a
line over ``MAX_LINE_BYTES``, an .xlsx that inflates past ``MAX_XLSX_BYTES`` (zip bomb) or a
sheet with more than ``MAX_XLSX_ROWS`` rows is rejected, not read.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import polars as pl

from connectors.errors import ConnectorError
from connectors.text import EncodingError, decode_bytes, fix_legacy_text, nfc

MAX_LINE_BYTES = 1 << 20  # 1 MiB: no real record line is longer
MAX_XLSX_BYTES = 512 << 20  # uncompressed size of all parts of one workbook
MAX_XLSX_RATIO = 200  # compressed -> uncompressed; real workbooks stay far below
MAX_XLSX_ROWS = 2_000_000

ZIP_MAGIC = b"PK\x03\x04"


def decode(file: str, data: bytes) -> tuple[str, str]:
    """Delivered bytes -> (NFC text, encoding label); legacy TCVN3/VNI detected and converted."""
    if data.startswith(ZIP_MAGIC):
        raise ConnectorError(file, "the content is a ZIP/.xlsx workbook, not text; "
                                   "deliver it with the .xlsx extension")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConnectorError(file, "the content is binary, not text")
    try:
        text, label = decode_bytes(data)
    except EncodingError as exc:
        raise ConnectorError(file, str(exc)) from None
    return text, label


def check_line_lengths(file: str, text: str) -> None:
    start = 0
    number = 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > MAX_LINE_BYTES:
            raise ConnectorError(file, f"line {number} is longer than {MAX_LINE_BYTES // 1024} KiB "
                                       f"({stop - start:,} characters); not a record file")
        if end < 0:
            return
        start, number = end + 1, number + 1


def read_delimited(file: str, text: str) -> pl.DataFrame:
    """CSV with ',' ';' or tab (sniffed from the header line), every column kept as text."""
    check_line_lengths(file, text)
    header = text.split("\n", 1)[0]
    sep = max([";", ",", "\t"], key=header.count)
    try:
        frame = pl.read_csv(io.StringIO(text), separator=sep, infer_schema=False,
                            truncate_ragged_lines=False)
    except pl.exceptions.PolarsError as exc:
        raise ConnectorError(file, f"malformed CSV: {str(exc).splitlines()[0][:300]}") from None
    if frame.height == 0:
        raise ConnectorError(file, "no records (only a header line)")
    return frame


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def flatten(record: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    """{'nguoiPhanAnh': {'hoTen': …}} -> {'nguoiPhanAnh_hoTen': …} (two levels; deeper as JSON)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}_{key}" if prefix else str(key)
        if isinstance(value, dict) and depth < 2:
            out.update(flatten(value, name, depth + 1))
        else:
            out[name] = value
    return out


def rows_to_frame(file: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Records (dicts) -> a text-only frame; nested objects flattened, lists kept as JSON text."""
    if not rows:
        raise ConnectorError(file, "no records")
    rows = [flatten(r) for r in rows]
    columns = list(dict.fromkeys(k for row in rows for k in row))
    return pl.DataFrame({c: [_scalar_text(row.get(c)) for row in rows] for c in columns},
                        schema={c: pl.Utf8 for c in columns})


def read_json_lines(file: str, text: str) -> list[dict[str, Any]]:
    """JSON Lines: one object per line; a bad line is named by its number."""
    check_line_lengths(file, text)
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConnectorError(file, f"line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise ConnectorError(file, f"line {number} is not a JSON object")
        rows.append(obj)
    if not rows:
        raise ConnectorError(file, "no records")
    return rows


def read_json(file: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConnectorError(file, f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                                   f"{exc.msg})") from None
    except RecursionError:
        raise ConnectorError(file, "JSON nested too deeply") from None


def json_records(file: str, doc: Any, keys: tuple[str, ...] = ("data", "items", "records",
                                                                 "results", "value")) -> list[dict]:
    """The records of a JSON export: a top-level array, or the array under a usual key."""
    if isinstance(doc, dict):
        for key in keys:
            if isinstance(doc.get(key), list):
                doc = doc[key]
                break
        else:
            doc = [doc]
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ConnectorError(file, "expected a JSON array of objects (or one under "
                                   f"{'/'.join(keys)})")
    if not doc:
        raise ConnectorError(file, "no records")
    return doc


# ---------------------------------------------------------------------------- GeoJSON
def read_geojson(file: str, text: str) -> tuple[list[dict[str, Any]], dict | None]:
    """A GeoJSON FeatureCollection -> (records: properties + ``geometry`` as JSON text, crs)."""
    doc = read_json(file, text)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise ConnectorError(file, "not a GeoJSON FeatureCollection")
    rows = []
    for number, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ConnectorError(file, f"feature {number} is not a GeoJSON Feature")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise ConnectorError(file, f"feature {number} has properties that are not an object")
        geometry = feature.get("geometry")
        if geometry is not None and (not isinstance(geometry, dict) or "type" not in geometry):
            raise ConnectorError(file, f"feature {number} has an invalid geometry")
        row = dict(props)
        if "id" in feature and "id" not in row:
            row["id"] = feature["id"]
        row["geometry"] = json.dumps(geometry, separators=(",", ":")) if geometry else None
        rows.append(row)
    if not rows:
        raise ConnectorError(file, "the FeatureCollection has no features")
    return rows, doc.get("crs")


# ---------------------------------------------------------------------------- .xlsx
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
