"""The engine's readers (Polars) give exactly what Python's readers gave: NFC value by value
only where a value needs it, and JSON Lines read at the engine's speed when its records are
flat — Python's reader for every other file, naming a bad line as before."""

from __future__ import annotations

import random
import unicodedata

import polars as pl
import pytest

from connectors import formats
from connectors.errors import ConnectorError

# characters NFC changes or joins, and ordinary Vietnamese and Latin text around them
COMPOSING = ["\u0301", "\u0300", "\u0323", "\u0309", "\u0303", "\u0302", "\u031b", "\u0306",
             "\u212b", "\u2126", "\u0958", "\u1100", "\u1161", "\u11a8", "\u0bc6", "\u0bbe",
             "\u0344", "\uf900"]
PLAIN = list("aeiouyAEOdđĐưƯơạếỗ xã Thôn 12,;-") + ["Nguyễn", "Hưng Yên"]


def test_nfc_frame_equals_unicode_nfc_value_by_value():
    rng = random.Random(7)
    values = ["".join(rng.choice(COMPOSING if rng.random() < 0.2 else PLAIN)
                      for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    values += [None, "", unicodedata.normalize("NFD", "Nguyễn Thị Ánh")]
    frame = pl.DataFrame({unicodedata.normalize("NFD", "Họ tên"): values, "b": values[::-1]})
    out = formats.nfc_frame(frame)
    assert out.columns == ["Họ tên", "b"]
    for column, source in zip(out.columns, (values, values[::-1]), strict=True):
        want = [None if v is None else unicodedata.normalize("NFC", v) for v in source]
        assert out[column].to_list() == want
    assert sum(v is not None and unicodedata.normalize("NFC", v) != v for v in values) > 100


def _python(text: str) -> pl.DataFrame:
    return formats.rows_to_frame("f.jsonl", formats.read_json_lines("f.jsonl", text))


FLAT = [
    '{"b": "1", "a": 2, "c": true, "d": null}\n{"a": -5, "e": "x", "c": false}\n',
    '\n  \n{"x": "Hưng Yên", "n": 12345678901234}\r\n\n{"x": "\\u00e9\\"q", "n": null}\n',
    '{"v": 23.5, "w": 1.25}\n{"v": -0.25, "w": 100000.5}\n{"v": 1e-3, "w": 7.25e1}\n',
    '{"a": "x"}\n{}\n{"b": "late key"}\n',
]
PYTHON_ONLY = [
    '{"o": {"p": "q", "r": {"s": 1}}}\n{"o": "text"}\n',  # an object: flattened
    '{"l": [1, "x", {"k": "v"}]}\n',  # an array: Python's JSON text
    '{"f": 1e-7}\n{"f": 2.5}\n',  # written with an exponent
    '{"v": 23.5, "w": 1.0}\n{"v": 0, "w": 1e5}\n',  # integers among floats
    '{"f": 1e20}\n',
    '{"i": 123456789012345678901}\n',  # beyond 64 bits
    '{"s": "[not nested]"}\n',  # looks nested: Python's reader, same text
]


@pytest.mark.parametrize("text", FLAT + PYTHON_ONLY)
def test_json_lines_frame_is_what_python_read(text):
    out = formats.json_lines_frame("f.jsonl", text)
    assert out.equals(_python(text)) and out.columns == _python(text).columns


@pytest.mark.parametrize("text", FLAT)
def test_flat_json_lines_are_read_by_the_engine(text, monkeypatch):
    def python_reader(*_args):
        raise AssertionError("read by Python")
    monkeypatch.setattr(formats, "_json_lines", python_reader)
    assert formats.json_lines_frame("f.jsonl", text).height == text.count("{")


@pytest.mark.parametrize("text, reason", [
    ('{"a": "x"}\n{"a": \n', "line 2 is not valid JSON"),
    ('{"a": "x"}\n[1, 2]\n', "line 2 is not a JSON object"),
    ('{"a": "x"} trailing\n', "line 1 is not valid JSON"),
    ("\n\n", "no records"),
])
def test_a_bad_line_is_named_as_before(text, reason):
    with pytest.raises(ConnectorError, match=reason):
        formats.json_lines_frame("f.jsonl", text)


def _first_long_line(text: str, limit: int) -> int | None:
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > limit:
            return number
    return None


def test_a_line_too_long_is_named_wherever_it_is(monkeypatch):
    monkeypatch.setattr(formats, "MAX_LINE_BYTES", 10)
    rng = random.Random(3)
    for _ in range(500):
        text = "\n".join("x" * rng.choice([0, 1, 5, 9, 10, 10, 10, 11, 25])
                         for _ in range(rng.randint(1, 12)))
        long = _first_long_line(text, 10)
        if long is None:
            formats.check_line_lengths("f.csv", text)
        else:
            with pytest.raises(ConnectorError, match=f"line {long} is longer"):
                formats.check_line_lengths("f.csv", text)
