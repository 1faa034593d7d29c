"""Dates and timestamps are typed by the first form that reads them, each form tried only on
the values the forms before it left unread — the same values as trying every form on every
value and taking the first that read (the reference below), at the cost of about one parse."""

from __future__ import annotations

import polars as pl
import pytest

from connectors import values

TIMESTAMPS = ["2026-11-01 00:05:00", "2026-11-01T00:05:00.250", "2026-11-01T00:05",
              "2026-11-01T00:05:00Z", "2026-11-01T00:05:00+0700", "2026-11-01T07:05+07:00",
              "01/11/2026 00:05:00", "01/11/2026T00:05", "2026-11-01", "  2026-11-01 08:00:00 ",
              "2026-03-29T02:30:00", "2026-10-25T02:30:00", "31/02/2026 10:00", "not a time",
              "", None, "2026-13-01T00:00:00", "2026-11-01T25:00:00+07:00"]
DATES = ["2026-11-01", "01/11/2026", "01-11-2026", "01.11.2026", "2026/11/01", "20261101",
         "2026-11-01T08:00:00", "1/11/2026", "31/02/2026", "", None, "ngày 1", "1938-09-06",
         "10/11/12", "12-11-10", "2012/11/10"]


def reference(text: pl.Series, ftype: str, tz: str) -> pl.Series:
    """Every form tried on every value; the first that reads wins."""
    s = pl.col("v").str.strip_chars()
    if ftype == "date":
        plain = s.str.slice(0, 10).str.replace(r"T.*$", "")
        expr = pl.coalesce([plain.str.strptime(pl.Date, f, strict=False)
                            for f in values._DATE_FORMATS])
    else:
        t = s.str.replace(" ", "T").str.replace(r"Z$", "+00:00").str.replace(
            r"([+-]\d{2})(\d{2})$", "${1}:${2}")
        aware = [t.str.strptime(pl.Datetime("us", "UTC"), f, strict=False)
                 for f in values._TS_AWARE]
        plain = s.str.replace(" ", "T", literal=True)
        local = pl.coalesce([plain.str.strptime(pl.Datetime("us"), f, strict=False)
                             for f in values._TS_NAIVE]).dt.replace_time_zone(
            tz, ambiguous="earliest", non_existent="null")
        expr = pl.coalesce([*aware, local.dt.convert_time_zone("UTC")])
    return pl.DataFrame({"v": text}).select(expr.alias("v")).to_series()


@pytest.mark.parametrize("tz", ["Asia/Ho_Chi_Minh", "Europe/Berlin"])
def test_timestamps_in_turn_equal_every_form_at_once(tz):
    text = pl.Series("v", TIMESTAMPS * 50, dtype=pl.Utf8)
    got = values._parse_time(text, "timestamp", tz)
    assert got.to_list() == reference(text, "timestamp", tz).to_list()
    assert got.null_count() < len(text) // 2  # most forms read


def test_dates_in_turn_equal_every_form_at_once():
    text = pl.Series("v", DATES * 50, dtype=pl.Utf8)
    got = values._parse_time(text, "date", "Asia/Ho_Chi_Minh")
    assert got.to_list() == reference(text, "date", "Asia/Ho_Chi_Minh").to_list()
    assert got.null_count() < len(text) // 2


def test_a_column_with_nothing_to_read_stays_null():
    text = pl.Series("v", [None, None], dtype=pl.Utf8)
    assert values._parse_time(text, "timestamp", "Asia/Ho_Chi_Minh").to_list() == [None, None]
