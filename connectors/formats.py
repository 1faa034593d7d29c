"""Readers for the file formats providers deliver, shared by every connector.

Each reader turns bytes into rows of text (``list[dict[str, str | None]]`` or a text-only
Polars frame) and raises :class:`~connectors.base.ConnectorError` naming the file and the
reason when it cannot. Limits are explicit, because a delivered file is untrusted input: a
line over ``MAX_LINE_BYTES`` is rejected, not read. Excel workbooks and the report forms in
them are read by ``connectors/xlsx.py``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import polars as pl

from connectors.errors import ConnectorError
from connectors.text import EncodingError, composing_class, decode_bytes

MAX_LINE_BYTES = 1 << 20  # 1 MiB: no real record line is longer
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (or any zip) delivered under a text name


def decode(file: str, data: bytes, normalise: bool = True) -> tuple[str, str]:
    """Delivered bytes -> (NFC text, encoding label); legacy TCVN3/VNI detected and converted
    (``normalise=False``: not yet NFC — the reader's frame goes through :func:`nfc_frame`)."""
    if data.startswith(ZIP_MAGIC):
        raise ConnectorError(file, "the content is a ZIP/.xlsx workbook, not text; "
                                   "deliver it with the .xlsx extension")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConnectorError(file, "the content is binary, not text")
    try:
        text, label = decode_bytes(data, normalise)
    except EncodingError as exc:
        raise ConnectorError(file, str(exc)) from None
    return text, label


def check_line_lengths(file: str, text: str) -> None:
    """Refuse a text with a line over ``MAX_LINE_BYTES`` characters, naming the line. It
    looks for a newline within every stretch of that length (a few steps per file, not
    one per line)."""
    start = 0
    while len(text) - start > MAX_LINE_BYTES:
        newline = text.rfind("\n", start, start + MAX_LINE_BYTES + 1)
        if newline < 0:
            end = text.find("\n", start)
            stop = len(text) if end < 0 else end
            number = text.count("\n", 0, start) + 1
            raise ConnectorError(file, f"line {number} is longer than {MAX_LINE_BYTES // 1024} "
                                       f"KiB ({stop - start:,} characters); not a record file")
        start = newline + 1


def nfc_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A text frame's names and values in NFC: only the values holding a character NFC could
    change are normalised (a large file costs a scan in the engine, not a normalisation)."""
    composing = composing_class()
    return frame.select(
        pl.when(pl.col(c).str.contains(composing)).then(pl.col(c).str.normalize("NFC"))
        .otherwise(pl.col(c)).alias(unicodedata.normalize("NFC", c))
        for c in frame.columns)


def read_delimited(file: str, text: str) -> pl.DataFrame:
    """CSV with ',' ';' or tab (sniffed from the header line), every column kept as text."""
    check_line_lengths(file, text)
    end = text.find("\n")
    header = text if end < 0 else text[:end]  # not split(): that copies the whole rest
    sep = max([";", ",", "\t"], key=header.count)
    try:
        frame = pl.read_csv(text.encode("utf-8"), separator=sep, infer_schema=False,
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


# a text value the engine holds that Python's reader would have made something else of: an
# object (flattened into columns) or an array (JSON text in Python's spacing)
_NESTED = r"^\s*[\[{]"
# floats that Python writes as the engine does (no exponent; not integral: Python writes an
# integer among floats as an integer)
_PLAIN_FLOATS = (1e-4, 1e16)
_NOT_BLANK = re.compile(r"\S")


def json_lines_frame(file: str, text: str) -> pl.DataFrame:
    """JSON Lines as a text-only frame: what :func:`rows_to_frame` makes of
    :func:`read_json_lines`. A file of flat records (strings, integers, booleans, nulls,
    fractions Python writes without an exponent) is read by the engine (Polars) at its speed;
    any other, or one it refuses, goes through Python's reader, which also names a bad line.
    (A number in a column that also holds text is kept as the engine writes it: 1.0 as 1.)"""
    check_line_lengths(file, text)
    try:
        frame = pl.read_ndjson(text.encode("utf-8"), infer_schema_length=None)
    except pl.exceptions.PolarsError:
        frame = None
    if frame is not None and frame.height and _flat(frame):
        start = _NOT_BLANK.search(text).start()  # the first record (no copy of the text)
        end = text.find("\n", start)
        first = json.loads(text[start:end if end >= 0 else len(text)])
        order = list(first) + [c for c in frame.columns if c not in first]
        return frame.select(
            pl.col(c).replace_strict({True: "true", False: "false"}, return_dtype=pl.Utf8)
            if frame[c].dtype == pl.Boolean else pl.col(c).cast(pl.Utf8) for c in order)
    return rows_to_frame(file, _json_lines(file, text))


def _flat(frame: pl.DataFrame) -> bool:
    """Whether every value of an engine-read frame turns into the text Python's would."""
    checks = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.String:
            checks.append(column.str.contains(_NESTED).any())
        elif dtype == pl.Float64:
            # an integer among floats (Python writes 0, the engine 0.0) or an exponent
            size = column.abs()
            checks.append(((size < _PLAIN_FLOATS[0]) | (size >= _PLAIN_FLOATS[1])
                           | (column == column.round(0))).any()
                          | column.is_nan().any() | column.is_infinite().any())
        elif dtype not in (pl.Int64, pl.Boolean, pl.Null):
            return False
    return not checks or not frame.select(pl.any_horizontal(checks)).item()


def read_json_lines(file: str, text: str) -> list[dict[str, Any]]:
    """JSON Lines: one object per line; a bad line is named by its number."""
    check_line_lengths(file, text)
    return _json_lines(file, text)


def _json_lines(file: str, text: str) -> list[dict[str, Any]]:
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
