"""The country's administrative reference as the project ships it: every one of the 34
provinces loads, with unique codes, a valid polygon for every commune that contains its
centroid, and a province outline that covers its communes."""

from __future__ import annotations

import csv
from collections import Counter

import duckdb
import pytest

from ioc_pipelines.provinces import PROVINCES_CSV, find_province, listing, provinces
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
