"""The country's administrative reference as the project ships it: every one of the 34
provinces loads, with unique codes, a valid polygon for every commune that contains its
centroid, a province outline that covers its communes, and the VN-2000 zone its metres are
read in."""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from ioc_pipelines.provinces import (
    FORMER_MERIDIANS,
    PROVINCES_CSV,
    TM3_ZONES,
    find_province,
    listing,
    provinces,
)
from ioc_pipelines.resources.extensions import ensure_extensions
from ioc_pipelines.settings import SettingsError, load_settings

UNITS_CSV = PROVINCES_CSV.with_name("admin_units_2025.csv")


def _units() -> list[dict[str, str]]:
    with UNITS_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    ensure_extensions(con, ["spatial"])
    con.execute("CREATE TABLE centroids_all (code VARCHAR, province VARCHAR, lon DOUBLE, "
                "lat DOUBLE)")
    con.executemany("INSERT INTO centroids_all VALUES (?, ?, ?, ?)",
                    [(u["code"], u["province_code"], float(u["centroid_lon"]),
                      float(u["centroid_lat"])) for u in _units()])
    yield con
    con.close()


def test_the_country_is_34_provinces_and_3321_units_with_unique_codes():
    units = _units()
    assert len(provinces()) == 34
    assert len(units) == 3321
    assert [c for c, n in Counter(u["code"] for u in units).items() if n > 1] == []
    per_province = Counter(u["province_code"] for u in units)
    assert per_province == {code: p.units for code, p in provinces().items()}
    assert set(per_province) == set(provinces())
    thai_nguyen = provinces()["19"]
    assert (thai_nguyen.name, thai_nguyen.units, thai_nguyen.merged_from_codes) == (
        "Thái Nguyên", 92, ("06", "19"))


@pytest.mark.parametrize("code", sorted(provinces()))
def test_each_province_loads_with_valid_polygons_that_hold_their_centroids(con, code):
    province = provinces()[code]
    listed = {u["code"]: u for u in _units() if u["province_code"] == code}
    rows = con.execute(
        "SELECT code, level, st_isvalid(geom), st_isempty(geom) FROM st_read(?)",
        [province.boundary_uri]).fetchall()
    outline = [r for r in rows if r[1] == "province"]
    communes = {r[0]: r for r in rows if r[1] != "province"}
    assert [r[0] for r in outline] == [code]
    assert set(communes) == set(listed)  # every commune of the list has its polygon, no other
    assert len(communes) == len([r for r in rows if r[1] != "province"])  # codes unique
    assert [c for c, r in communes.items() if not r[2] or r[3]] == []  # valid, not empty
    con.execute("CREATE OR REPLACE TEMP TABLE centroids (code VARCHAR, lon DOUBLE, lat DOUBLE)")
    con.executemany("INSERT INTO centroids VALUES (?, ?, ?)",
                    [(c, float(u["centroid_lon"]), float(u["centroid_lat"]))
                     for c, u in listed.items()])
    outside = con.execute(
        "SELECT b.code FROM st_read(?) b JOIN centroids c USING (code) "
        "WHERE NOT st_contains(b.geom, st_point(c.lon, c.lat))", [province.boundary_uri]
    ).fetchall()
    assert outside == []
    uncovered = con.execute(
        "WITH b AS (SELECT * FROM st_read(?)) "
        "SELECT c.code FROM b c, b p WHERE p.level = 'province' AND c.level <> 'province' "
        "AND NOT st_covers(p.geom, c.geom)", [province.boundary_uri]).fetchall()
    assert uncovered == []


@pytest.mark.parametrize("code", sorted(provinces()))
def test_each_province_reads_vn2000_metres_in_its_seats_zone(con, code):
    """The zone of the meridian its seat's former province used (the 2025 province carries
    that one's code): PROJ's definition of the zone has that central meridian, and every
    commune's centroid (the special zones at sea included) goes to VN-2000 metres inside the
    staging's `vn2000_metres` ranges, and back within 1 m."""
    province = provinces()[code]
    assert code in province.merged_from_codes
    crs = province.vn2000_crs
    meridian = FORMER_MERIDIANS[code]
    assert crs == f"EPSG:{next(z for z, m in TM3_ZONES.items() if m == meridian)}"
    east = con.execute("SELECT st_x(st_transform(st_point(?, 16.0), 'EPSG:4326', ?, "
                       "always_xy := true))", [meridian, crs]).fetchone()[0]
    assert abs(east - 500_000) < 1_000  # on the meridian (the datums differ by ~200 m)
    rows = con.execute(
        "WITH m AS (SELECT code, lon, lat, st_transform(st_point(lon, lat), 'EPSG:4326', $crs,"
        " always_xy := true) AS p FROM centroids_all WHERE province = $code), "
        "b AS (SELECT *, st_transform(p, $crs, 'EPSG:4326', always_xy := true) AS q FROM m) "
        "SELECT count(*), count(*) FILTER (WHERE st_x(p) BETWEEN 100000 AND 1500000 AND "
        "st_y(p) BETWEEN 700000 AND 2700000 AND abs(st_x(q) - lon) < 1e-5 "
        "AND abs(st_y(q) - lat) < 1e-5) FROM b", {"crs": crs, "code": code}).fetchone()
    assert rows[0] == province.units and rows[1] == rows[0]


def test_the_seats_meridian_and_not_the_nearest_one():
    zones = {c: provinces()[c].vn2000_crs for c in ("12", "33", "19", "01", "48", "51", "79")}
    assert zones == {"12": "EPSG:9205", "33": "EPSG:9209", "19": "EPSG:9213",
                     "01": "EPSG:5897", "48": "EPSG:5899", "51": "EPSG:5898",
                     "79": "EPSG:9210"}


def test_a_province_is_found_by_code_slug_or_name_and_others_are_refused():
    assert find_province("19") is find_province("thai_nguyen") is find_province("thainguyen")
    assert find_province("Thái Nguyên").code == "19"
    assert find_province("ho_chi_minh").code == "79"
    # how reports name it: a centrally-run city is no "tỉnh"
    assert (find_province("19").title, find_province("01").title, find_province("46").full_name
            ) == ("tỉnh Thái Nguyên", "thành phố Hà Nội", "Thành phố Huế")
    with pytest.raises(ValueError, match="01 Hà Nội.*96 Cà Mau"):
        find_province("Bắc Kạn")  # merged into Thái Nguyên in 2025: no longer a province


def test_ioc_province_takes_any_of_the_34_codes_and_refuses_others_naming_them(tmp_path):
    for code in provinces():
        assert load_settings({"IOC_HOME": str(tmp_path), "IOC_PROVINCE": code}
                             ).province_code == code
    for wrong in ("06", "1", "99", "thai_nguyen"):
        with pytest.raises(SettingsError) as refused:
            load_settings({"IOC_HOME": str(tmp_path), "IOC_PROVINCE": wrong})
        assert "IOC_PROVINCE" in str(refused.value) and listing() in str(refused.value)
