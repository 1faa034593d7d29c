"""Every source reads each of its formats into typed columns (values asserted, not just counted)."""

import gzip
from datetime import UTC, date, datetime

import pytest

from connectors import SOURCES, get_connector
from connectors.base import LINEAGE_COLUMNS
from ioc_pipelines.provinces import provinces
from tests.connectors.helpers import fixture, read


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_every_source_has_a_contract_with_formats_and_entities():
    for source in SOURCES:
        contract = get_connector(source).contract
        assert contract.source == source and contract.formats and contract.entities
        assert contract.owner
        for entity in contract.entities.values():
            assert entity.required, f"{source}.{entity.name} has no required field"
            assert all(f.description for f in entity.fields), f"{source}.{entity.name}"


@pytest.mark.parametrize("name", ["ho_gia_dinh.csv", "ho_gia_dinh.xlsx"])
def test_households_csv_and_xlsx(name):
    rows = read("households", fixture("households", name))["households__households"]
    assert [r["household_id"] for r in rows] == ["HO1200000001", "HO1200000002", "HO1200000003"]
    assert rows[0]["head_citizen_id"] == "012085001234"  # leading zero kept
    assert rows[1]["poverty_status"] == "cận nghèo"
    assert rows[1]["policy_group"] == "Người có công với cách mạng"
    assert rows[0]["member_count"] == 5 and rows[0]["poverty_year"] == 2025
    assert rows[0]["updated_on"] == date(2026, 11, 1)
    assert set(LINEAGE_COLUMNS) <= set(rows[0])


def test_household_members_go_to_their_own_table():
    tables = read("households", fixture("households", "thanh_vien_ho.csv"))
    assert list(tables) == ["households__members"]
    assert tables["households__members"][1]["relation_to_head"] == "Vợ"


def test_housing_coordinate_systems_delivered_declared_or_detected():
    wgs = read("housing", fixture("housing", "nha_o_wgs84.csv"))["housing__houses"]
    assert (wgs[0]["x"], wgs[0]["y"]) == (103.45123, 22.39871)
    assert wgs[0]["floor_area_m2"] == 32.5  # "32,5" with a decimal comma
    assert {(r["crs"], r["crs_basis"]) for r in wgs} == {("EPSG:4326", "detected")}
    vn = read("housing", fixture("housing", "nha_o_vn2000.csv"))["housing__houses"]
    assert (vn[0]["x"], vn[0]["y"], vn[0]["crs"], vn[0]["crs_basis"]) == (
        570434.07, 2475945.73, "EPSG:9205", "detected")  # Lai Châu's TM-3 zone, by northing
    geo = read("housing", fixture("housing", "nha_o.geojson"))["housing__houses"]
    assert (geo[0]["crs"], geo[0]["crs_basis"]) == ("EPSG:9205", "delivered")  # GeoJSON crs member
    assert geo[0]["x"] == 546135.78 and '"Point"' in geo[0]["geometry"]


def test_housing_crs_declared_for_a_provider(monkeypatch):
    connector = get_connector("housing")
    monkeypatch.setitem(connector.contract.raw["coordinates"]["providers"], "XA_03390", "EPSG:9205")
    from connectors import Delivery

    path = fixture("housing", "nha_o_wgs84.csv")
    rows = connector.read(path, Delivery("housing", "XA_03390", date(2026, 11, 20), path.name,
                                         "ab" * 32))["housing__houses"].to_pylist()
    assert {(r["crs"], r["crs_basis"]) for r in rows} == {("EPSG:9205", "declared")}


@pytest.mark.parametrize("name", ["giay_phep_xay_dung.xlsx", "giay_phep_xay_dung.csv"])
def test_land_permits(name):
    rows = read("land_permits", fixture("land_permits", name))["land_permits__permits"]
    first = rows[0]
    assert first["permit_number"].endswith("/GPXD-2026")
    assert first["issued_on"] in (date(2026, 10, 5), date(2026, 10, 9))
    assert first["floor_area_m2"] in (120.5, 95.5) and isinstance(first["floors"], int)
    assert first["map_sheet"] and first["parcel_number"]


def test_cadastral_parcels():
    rows = read("land_permits", fixture("land_permits", "thua_dat_dia_chinh.csv"))
    (parcel,) = rows["land_permits__parcels"]
    assert (parcel["map_sheet"], parcel["parcel_number"], parcel["land_use_code"],
            parcel["area_m2"]) == ("12", "345", "ODT", 210.3)


@pytest.mark.parametrize(("name", "encoding"), [("bao_cao_mau.xlsx", "xlsx"),
                                                ("bao_cao_tcvn3.xlsx", "xlsx+tcvn3"),
                                                ("bao_cao_vni.xlsx", "xlsx+vni")])
def test_indicator_report_form(name, encoding):
    rows = read("indicators", fixture("indicators", name))["indicators__reports"]
    # group headings ("I. KINH TẾ") and the "(1) (2) …" row are not records
    assert [r["indicator_code"] for r in rows] == ["KT-06-01", "KT-03-01", "XH-17-01"]
    first = rows[0]
    assert first["indicator_name"] == "Tổng thu ngân sách nhà nước trên địa bàn"
    assert first["unit"] == "tỷ đồng"
    assert first["period"] == "2026-10"  # from the title "… THÁNG 10 NĂM 2026"
    assert (first["plan_target"], first["actual"], first["cumulative"],
            first["same_period_last_year"]) == (2400.0, 215.4, 1980.2, 201.3)
    assert rows[2]["note"] == "ước tính" and rows[2]["row_label"] == "3"
    assert {r["_encoding"] for r in rows} == {encoding}


@pytest.mark.parametrize(("name", "encoding"), [("chi_tieu.csv", "utf-8-sig"),
                                                ("chi_tieu_tcvn3.csv", "tcvn3"),
                                                ("chi_tieu_vni.csv", "vni")])
def test_indicator_csv_in_every_encoding(name, encoding):
    rows = read("indicators", fixture("indicators", name))["indicators__reports"]
    assert rows[0]["indicator_name"] == "Số vụ tai nạn giao thông"
    assert rows[1]["indicator_name"] == "Thu nội địa"
    assert rows[1]["actual"] == 1234.5 and rows[1]["plan_target"] == 2000.0  # 1.234,5 / 2.000
    assert rows[0]["_encoding"] == encoding


def test_finance_budget_and_projects():
    budget = read("finance", fixture("finance", "ngan_sach_2026-10.xlsx"))["finance__budget"]
    assert [(b["item_code"], b["direction"], b["actual"]) for b in budget] == [
        ("T01", "thu", 1980.2), ("C02", "chi", 2010.75)]
    (project,) = read("finance", fixture("finance", "giai_ngan_dau_tu_cong_2026-10.csv")
                      )["finance__projects"]
    assert (project["plan_capital"], project["disbursed"], project["as_of"],
            project["is_key_project"]) == (120.5, 60.25, date(2026, 10, 31), True)


@pytest.mark.parametrize("name", ["dang_ky_doanh_nghiep.csv", "dang_ky_doanh_nghiep.json"])
def test_enterprises(name):
    rows = read("enterprises", fixture("enterprises", name))["enterprises__events"]
    assert rows[0]["enterprise_code"] == "5400123456"
    assert rows[0]["event_date"] == date(2026, 10, 12) and rows[0]["registered_capital"] == 1500
    if name.endswith(".csv"):
        assert rows[1]["enterprise_code"] == "0100109106"  # leading zero kept
        assert rows[1]["event_date"] == date(2026, 10, 15)


def test_feedback_portal_json_nested_reporter():
    (case,) = read("feedback", fixture("feedback", "phan_anh_kien_nghi.json"))["feedback__cases"]
    assert case["received_at"] == utc(2026, 10, 3, 1, 15)  # +07:00 -> UTC
    assert case["resolved_at"] == utc(2026, 10, 5, 9, 0) and case["satisfaction"] == 4
    assert case["reporter_name"] == "Nguyễn Thị Lan" and case["reporter_phone"] == "0912345678"


def test_feedback_csv_local_times():
    (case,) = read("feedback", fixture("feedback", "phan_anh_kien_nghi.csv"))["feedback__cases"]
    assert case["received_at"] == utc(2026, 10, 5, 2, 30)  # 09:30 Asia/Ho_Chi_Minh
    assert case["resolved_at"] is None and case["satisfaction"] is None


def test_iot_csv_long_wide_and_registry():
    long = read("iot", fixture("iot", "quan_trac_long.csv"))["iot__readings"]
    assert (long[0]["sensor_id"], long[0]["quantity"], long[0]["value"], long[0]["unit"],
            long[0]["observed_at"]) == ("12-KK-0001", "pm25", 35.2, "µg/m³", utc(2026, 11, 20))
    wide = read("iot", fixture("iot", "quan_trac_wide.csv"))["iot__readings"]
    assert [(r["quantity"], r["value"], r["unit"]) for r in wide] == [
        ("pm25", 36.1, "µg/m³"), ("pm10", 58.0, "µg/m³"), ("pm10", 57.5, "µg/m³")]
    (station,) = read("iot", fixture("iot", "danh_muc_tram.csv"))["iot__sensors"]
    assert (station["river"], station["alert_level_1"], station["alert_level_3"]) == (
        "Nậm Na", 450.0, 650.0)


def test_iot_sensorthings_pages_of_one_paging_run():
    tables = read("iot", fixture("iot", "sensorthings_pages.json"))
    readings = tables["iot__readings"]
    assert [(r["value"], r["observed_at"]) for r in readings] == [
        (312.4, utc(2026, 11, 20)), (313.0, utc(2026, 11, 20, 0, 5))]
    assert readings[0]["sensor_id"] == "12-MN-0002" and readings[0]["unit"] == "cm"
    assert tables["iot__sensors"][0]["longitude"] == 103.3121


def test_map_features_split_by_geometry():
    tables = read("map", fixture("map", "ban_do.geojson"))
    assert tables["map__admin_units"][0]["code"] == "03388"
    assert tables["map__admin_units"][0]["unit_type"] == "phường"
    assert tables["map__pois"][0]["category"] == "health_station"
    assert tables["map__lines"][0]["geometry"].startswith('{"type":"LineString"')


def test_real_2025_boundaries_read_as_admin_units(tmp_path):
    path = tmp_path / "hung_yen.geojson"
    path.write_bytes(gzip.decompress(provinces()["33"].boundary_path.read_bytes()))
    units = read("map", path)["map__admin_units"]
    codes = {u["code"] for u in units}
    assert len(codes - {"33"}) == 104 and "11953" in codes


def test_planning_geojson_and_csv():
    (plan,) = read("planning", fixture("planning", "quy_hoach.geojson"))["planning__plans"]
    assert (plan["decision_number"], plan["decision_date"], plan["area_ha"]) == (
        "1234/QĐ-UBND", date(2025, 3, 15), 420.5)
    assert '"Polygon"' in plan["geometry"]
    (doc,) = read("planning", fixture("planning", "tai_lieu_quy_hoach.csv"))["planning__documents"]
    assert doc["url"].endswith("quyet.pdf")
    (attrs,) = read("planning", fixture("planning", "quy_hoach.csv"))["planning__plans"]
    assert attrs["plan_id"] == "QH12-002" and attrs["geometry"] is None


def test_value_that_does_not_parse_is_kept_in_invalid(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("Mã dự án;Tên dự án;Kế hoạch vốn năm;Lũy kế giải ngân;Tính đến ngày\n"
                 "DA1;Đường;mười tỷ;5;31/02/2026\n", encoding="utf-8")
    (row,) = read("finance", f)["finance__projects"]
    assert row["plan_capital"] is None and row["as_of"] is None and row["disbursed"] == 5.0
    import json

    assert json.loads(row["_invalid"]) == {"plan_capital": "mười tỷ", "as_of": "31/02/2026"}
