from datetime import date
from pathlib import Path

import pytest

from connectors import ConnectorError, Delivery, get_connector
from connectors.base import LINEAGE_COLUMNS, normalise_header

FIXTURES = Path(__file__).resolve().parents[2] / "connectors" / "population" / "fixtures"


def delivery(name: str, sha: str = "ab" * 32) -> Delivery:
    return Delivery("population", "CA_TINH", date(2026, 11, 20), name, sha)


def read(path: Path, name: str | None = None):
    tables = get_connector("population").read(path, delivery(name or path.name))
    assert list(tables) == ["population__citizens"]
    return tables["population__citizens"]


def test_csv_with_bom_semicolons_and_vietnamese_headers():
    table = read(FIXTURES / "registry_extract.csv").to_pylist()
    assert len(table) == 3
    first = table[0]
    assert first["citizen_id"] == "012085001234"  # leading zero kept
    assert first["full_name"] == "Lò Văn Pấng"
    assert first["birth_date"] == "05/03/1985" and first["sex"] == "Nam"
    assert first["commune_code"] == "03388"
    assert "Cột lạ" not in first and "cot_la" not in first  # unknown column not passed on
    assert first["_record_number"] == 1 and table[2]["_record_number"] == 3
    assert first["_encoding"] == "utf-8-sig"
    assert first["_delivery_id"] == "population-20261120-abababababab"
    assert set(LINEAGE_COLUMNS) <= set(first)


def test_json_lines_values_kept_as_text():
    rows = read(FIXTURES / "registry_extract.jsonl").to_pylist()
    assert [r["sex"] for r in rows] == ["1", "2"]
    assert rows[1]["commune_code"] == "3390"  # as delivered; staging restores the zero
    assert rows[1]["religion_code"] is None and rows[1]["address"] is None
    assert rows[0]["_encoding"] == "utf-8"


def test_comma_separated_csv(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("cccd,ho_ten,ngay_sinh,gioi_tinh,ma_xa\n012085001234,A B,1985-03-05,1,03388\n",
                 encoding="utf-8")
    assert read(f).column("citizen_id")[0].as_py() == "012085001234"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", b"  \n", "empty"),
        ("people.xlsx", b"PK\x03\x04", "format .xlsx is not accepted"),
        # Latin-1 text that is no Vietnamese encoding at all
        ("latin.csv", "cccd;ho_ten\n1;Müller Straße Größe\n".encode("latin-1"),
         "not recognisable as TCVN3 or VNI"),
        ("cols.csv", b"ho_ten;ma_xa\nA;03388\n", "required column(s) missing: citizen_id"),
        ("bad.jsonl", b'{"cccd": "1"}\n{"cccd": \n', "line 2 is not valid JSON"),
        ("arr.jsonl", b'[1, 2]\n', "line 1 is not a JSON object"),
        ("ragged.csv", b'cccd;ho_ten;ngay_sinh;gioi_tinh;ma_xa\n"0120;A\n', "malformed CSV"),
    ],
)
def test_unreadable_files_are_rejected_with_file_and_reason(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(ConnectorError) as err:
        read(f)
    assert name in str(err.value)
    assert reason in str(err.value)


def test_hostile_header_never_becomes_a_column(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text('cccd;ho_ten;ngay_sinh;gioi_tinh;ma_xa;"x""; DROP TABLE t; --"\n'
                 "012085001234;A;1985-03-05;1;03388;evil\n", encoding="utf-8")
    table = read(f)
    assert not any("DROP" in c for c in table.column_names)


@pytest.mark.parametrize(("label", "expected"), [("  Số định danh ", "so_dinh_danh"),
                                                 ("Mã xã", "ma_xa"), ("HỌ_VÀ_TÊN", "ho_va_ten")])
def test_normalise_header(label, expected):
    assert normalise_header(label) == expected


def test_unknown_source_is_named():
    with pytest.raises(ValueError, match="unknown source 'weather'.*population"):
        get_connector("weather")
