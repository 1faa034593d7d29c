"""Typing delivered text at the boundary: numbers in Vietnamese and English notation, dates and
timestamps in the forms providers type, booleans in Vietnamese. A value that cannot be typed
becomes null and its text is kept (the ``_invalid`` column)."""

from __future__ import annotations

import polars as pl

from connectors.contract import Contract, Field

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")
_TS_AWARE = ("%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z")
_TS_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%d/%m/%YT%H:%M:%S", "%d/%m/%YT%H:%M",
             "%Y-%m-%d")
_TRUE = ["true", "1", "x", "có", "co", "yes", "y", "đúng"]
_FALSE = ["false", "0", "không", "khong", "no", "n", "sai", ""]


def parse_number(col: pl.Expr, decimal: str = ",") -> pl.Expr:
    """Text -> Float64, reading Vietnamese (1.234,5) and English (1,234.5 / 1234.5) forms.

    With ``decimal=","`` (the Vietnamese default) a lone '.' followed by exactly three digits
    groups thousands (1.234 = 1234); a lone ',' is the decimal mark (1,5 = 1.5).
    """
    s = col.str.strip_chars().str.replace_all(r"[\s\u00a0]", "")
    vi_grouped = r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$"
    en_grouped = r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$"
    comma_decimal = r"^[-+]?\d*,\d+$"
    if decimal == ",":
        s = (pl.when(s.str.contains(vi_grouped)).then(s.str.replace_all(r"\.", "").str.replace(",", "."))
             .when(s.str.contains(en_grouped) & s.str.contains(r"\.")).then(s.str.replace_all(",", ""))
             .when(s.str.contains(comma_decimal)).then(s.str.replace(",", "."))
             .otherwise(s))
    else:
        s = s.str.replace_all(",", "")
    return s.cast(pl.Float64, strict=False)


def _parse(expr: pl.Expr, ftype: str, decimal: str) -> pl.Expr:
    """Numbers and booleans (dates and timestamps: :func:`_parse_time`)."""
    s = expr.str.strip_chars()
    if ftype == "number":
        return parse_number(s, decimal)
    if ftype == "integer":
        n = parse_number(s, decimal)
        return pl.when(n == n.round(0)).then(n).cast(pl.Int64, strict=False)
    if ftype == "boolean":
        low = s.str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    return expr  # text, json, geometry stay text


def _in_turn(text: pl.Series, formats: tuple[str, ...], dtype: pl.DataType) -> pl.Series:
    """The first format that reads each value (``coalesce`` of all of them), each format
    tried only on the values the ones before it left unread: most files use one form, so a
    column costs about one parse, not one per form."""
    out = pl.Series(text.name, [None] * len(text), dtype=dtype)
    todo = text.is_not_null()
    for form in formats:
        index = todo.arg_true()
        if not len(index):
            break
        parsed = text.gather(index).str.strptime(dtype, form, strict=False)
        out = out.scatter(index, parsed)
        todo = todo & out.is_null()
    return out


def _parse_time(text: pl.Series, ftype: str, tz: str) -> pl.Series:
    """A date or timestamp column (timestamps in UTC: an offset as written, else ``tz``)."""
    s = text.str.strip_chars()
    if ftype == "date":
        return _in_turn(s.str.slice(0, 10).str.replace(r"T.*$", ""), _DATE_FORMATS, pl.Date)
    t = s.str.replace(" ", "T").str.replace(r"Z$", "+00:00").str.replace(
        r"([+-]\d{2})(\d{2})$", "${1}:${2}")
    aware = _in_turn(t, _TS_AWARE, pl.Datetime("us", "UTC"))
    plain = s.str.replace(" ", "T", literal=True).zip_with(aware.is_null(), pl.Series([None],
                                                                                      dtype=pl.Utf8))
    local = _in_turn(plain, _TS_NAIVE, pl.Datetime("us")).dt.replace_time_zone(
        tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")
    return aware.fill_null(local).alias(text.name)


def type_columns(frame: pl.DataFrame, fields: tuple[Field, ...], contract: Contract) -> pl.DataFrame:
    """Cast each field to its contract type; values that do not parse go to ``_invalid``."""
    tz, decimal = contract.timezone, str(contract.raw.get("decimal", ","))
    typed_fields = [f.name for f in fields if f.type not in ("text", "json", "geometry")]
    if not typed_fields:
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("_invalid"))
    originals = [pl.col(n).alias(f"__orig_{n}") for n in typed_fields]
    typed = frame.with_columns(originals).with_columns(
        [_parse_time(frame[f.name], f.type, tz) if f.type in ("date", "timestamp")
         else _parse(pl.col(f.name), f.type, decimal).alias(f.name)
         for f in fields if f.name in typed_fields])
    fragments = []
    for n in typed_fields:
        orig = pl.col(f"__orig_{n}")
        failed = orig.is_not_null() & (orig.str.strip_chars() != "") & pl.col(n).is_null()
        pair = pl.struct(orig.alias(n)).struct.json_encode().str.strip_chars("{}")
        fragments.append(pl.when(failed).then(pair))
    joined = pl.concat_str(fragments, separator=",", ignore_nulls=True)
    invalid = pl.when(joined != "").then(pl.lit("{") + joined + pl.lit("}"))
    return typed.with_columns(invalid.alias("_invalid")).drop(
        [f"__orig_{n}" for n in typed_fields])
