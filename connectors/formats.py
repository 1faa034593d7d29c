"""Readers for the file formats providers deliver, shared by every connector.

Each reader turns bytes into rows of text (``list[dict[str, str | None]]`` or a text-only
Polars frame) and raises :class:`~connectors.base.ConnectorError` naming the file and the
reason when it cannot. Limits are explicit, because a delivered file is untrusted input: a
line over ``MAX_LINE_BYTES`` is rejected, not read. Excel workbooks and the report forms in
them are read by ``connectors/xlsx.py``.
"""

from __future__ import annotations

import io
import json
from typing import Any

import polars as pl

from connectors.errors import ConnectorError
from connectors.text import EncodingError, decode_bytes

MAX_LINE_BYTES = 1 << 20  # 1 MiB: no real record line is longer
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx (or any zip) delivered under a text name


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
