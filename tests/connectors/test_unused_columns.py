"""No delivered column vanishes silently: a VNI header written with separate tone bytes is
decoded and matched; a column no field of the contract takes is named in the reading."""

from __future__ import annotations

from datetime import date

from connectors import Delivery, get_connector
from tests.connectors.helpers import fixture


def _reading(source: str, name: str, data: bytes):
    delivery = Delivery(source, "SYT", date(2026, 11, 20), name, "ab" * 32)
    return get_connector(source).read_delivery(data, delivery)


def test_a_vni_header_with_separate_tone_bytes_keeps_its_column():
    data = fixture("indicators", "chi_tieu_vni.csv").read_bytes()
    # the same report typed with "i" + tone byte instead of VNI's one-byte ị, í, ỉ
    spelled = (data.replace(b"v\xf2 t\xednh", b"vi\xef ti\xf9nh")
               .replace(b"Ch\xe6 tie\xe2u", b"Chi\xfb tie\xe2u"))
    assert spelled != data
    reading = _reading("indicators", "SYT__chi_tieu.csv", spelled)
    [rows] = [t.to_pylist() for t in reading.tables.values()]
    assert [r["unit"] for r in rows] == ["vụ", "tỷ đồng"]
    assert [r["indicator_name"] for r in rows][:1] == ["Số vụ tai nạn giao thông"]
    assert reading.unused_columns == ()


def test_a_column_no_field_takes_is_named():
    text = ("Mã chỉ tiêu;Chỉ tiêu;Đơn vị tính;Kỳ báo cáo;Thực hiện;Ghi chú nội bộ;;Cột trống\n"
            "XH-19-01;Số vụ tai nạn giao thông;vụ;2026-10;12;xem lại;;\n")
    reading = _reading("indicators", "SYT__chi_tieu.csv", text.encode())
    # a column with values is named; an empty one (with or without a header) is not
    assert reading.unused_columns == ("Ghi chú nội bộ",)
    assert "Ghi chú nội bộ" in reading.notice()


def test_headings_are_said_and_a_named_row_without_figures_is_kept():
    text = ("Mã chỉ tiêu;Chỉ tiêu;Đơn vị tính;Kỳ báo cáo;Thực hiện\n"
            ";I. KINH TẾ;;2026-10;\n"
            "KT-06-01;Tổng thu ngân sách nhà nước trên địa bàn;tỷ đồng;2026-10;215,4\n"
            ";VĂN HOÁ - XÃ HỘI;;2026-10;\n"
            # the provider forgot the code and the figure: a record, not a heading
            ";Số vụ tai nạn giao thông;vụ;2026-10;\n")
    reading = _reading("indicators", "SYT__chi_tieu.csv", text.encode())
    [rows] = [t.to_pylist() for t in reading.tables.values()]
    assert [r["indicator_name"] for r in rows] == [
        "Tổng thu ngân sách nhà nước trên địa bàn", "Số vụ tai nạn giao thông"]
    assert reading.skipped_rows == ("I. KINH TẾ", "VĂN HOÁ - XÃ HỘI")
    assert "2 heading rows not read as records: I. KINH TẾ; VĂN HOÁ - XÃ HỘI" in reading.notice()
