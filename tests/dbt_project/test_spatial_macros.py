"""The spatial scenario macros, run by dbt against the real Lai Châu boundaries."""

import json

import pytest

from tests.dbt_project.test_population_rules import _dbt

# (label, lon, lat, within 15 km of Phường Đoàn Kết's centroid, in 03388, inside the box);
# Tân Phong's centre is 13.3 km away, Bình Lư's 30 km
POINTS = [
    ("doan_ket_centre", 103.39741, 22.44116, True, True, True),
    ("tan_phong_centre", 103.48506, 22.35338, True, False, False),
    ("binh_lu", 103.67774, 22.35315, False, False, False),
    ("ha_noi", 105.85, 21.03, False, False, False),
]

SQL = """
with points as (
    select * from (values {values}) as p (label, lon, lat)
)
select
    label,
    {{{{ within_km('st_point(lon, lat)', 103.39741, 22.44116, 15) }}}} as near,
    {{{{ in_commune('st_point(lon, lat)', '03388') }}}} as in_doan_ket,
    {{{{ inside_area('st_point(lon, lat)',
        "st_geomfromtext('POLYGON((103.3 22.4, 103.5 22.4, 103.5 22.5, 103.3 22.5, 103.3 22.4))')") }}}}
        as in_box
from points
"""


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    home = tmp_path_factory.mktemp("spatial")
    _dbt(home, "run", "--select", "province_boundaries", "--quiet")
    values = ", ".join(f"('{p[0]}', {p[1]}, {p[2]})" for p in POINTS)
    out = _dbt(home, "show", "--inline", SQL.format(values=values), "--output", "json",
               "--limit", "-1", "--quiet")
    return {r["label"]: r for r in json.loads(out[out.index("{"):])["show"]}


@pytest.mark.parametrize("point", POINTS, ids=[p[0] for p in POINTS])
def test_spatial_macros(answers, point):
    label, _lon, _lat, near, in_commune, in_box = point
    assert (answers[label]["near"], answers[label]["in_doan_ket"], answers[label]["in_box"]) == (
        near, in_commune, in_box)


# (label, x, y, crs, looks like VN-2000 metres, a VN-2000 TM-3 zone): the special zones at
# sea in their province's zone (Hoàng Sa in Đà Nẵng's 107°45′, Trường Sa in Khánh Hòa's
# 108°15′), Hà Nội in its 105°00′ zone (EPSG:5897), and what is not VN-2000
METRES = [
    ("hoang_sa", 1014532.97, 1779511.41, "EPSG:5899", True, True),
    ("truong_sa", 694137.28, 872344.16, "EPSG:9217", True, True),
    ("ha_noi", 585000.0, 2326000.0, "EPSG:5897", True, True),
    ("lai_chau", 570434.07, 2475945.73, "EPSG:9205", True, True),
    ("degrees", 103.4, 22.4, "EPSG:4326", False, False),
    ("utm", 500000.0, 2500000.0, "EPSG:32648", True, False),
    ("web_mercator", 11500000.0, 2560000.0, "EPSG:3857", False, False),
]


def test_vn2000_macros_know_every_zone_and_the_islands(tmp_path):
    values = ", ".join(f"('{m[0]}', {m[1]}, {m[2]}, '{m[3]}')" for m in METRES)
    sql = (f"select label, {{{{ vn2000_metres('x', 'y') }}}} as metres, "
           f"{{{{ vn2000_zone('crs') }}}} as zone from (values {values}) as m (label, x, y, crs)")
    out = _dbt(tmp_path, "show", "--inline", sql, "--output", "json", "--limit", "-1",
               "--quiet")
    got = {r["label"]: (r["metres"], r["zone"]) for r in json.loads(out[out.index("{"):])["show"]}
    assert got == {m[0]: (m[4], m[5]) for m in METRES}
