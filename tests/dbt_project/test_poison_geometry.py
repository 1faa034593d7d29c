"""A geometry no later layer can read is a row-level reason code, never a failed build: map
and planning files whose GeoJSON coordinates are text, or whose polygon crosses itself, are
delivered through the real ingest and raw load, then dbt builds staging and validated on a
real work lake — the build passes, the bad rows carry GEOM_INVALID, the good ones none, and a
corrected re-delivery goes through. The signed-off layers published from them
(`map_points_of_interest`, `planning_areas`) hold each item's latest valid version."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ioc_pipelines.resources.lakes import connect
from tests.dbt_project.lake import build, deliver, home_settings, load

SQUARE = [[[103.45, 22.39], [103.47, 22.39], [103.47, 22.41], [103.45, 22.41], [103.45, 22.39]]]
BOW_TIE = [[[103.45, 22.39], [103.47, 22.41], [103.47, 22.39], [103.45, 22.41], [103.45, 22.39]]]
TEXT_COORDS = [[["103.45", "22.39"], ["103.47", "22.39"], ["103.47", "22.41"], ["103.45", "22.39"]]]


def _plan(plan_id: str, coordinates) -> dict:
    return {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": coordinates},
            "properties": {"ma_quy_hoach": plan_id, "ten_quy_hoach": f"Quy hoạch {plan_id}",
                           "cap": "phân khu", "so_quyet_dinh": "1/QĐ-UBND",
                           "ngay_quyet_dinh": "15/03/2025", "co_quan_phe_duyet": "UBND tỉnh",
                           "dien_tich_ha": 10, "ma_xa": "03388"}}


def _poi(poi_id: str, coordinates) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coordinates},
            "properties": {"id": poi_id, "ten": f"Điểm {poi_id}", "loai": "health_station",
                           "ma_xa": "03388"}}


def _write(path, features) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return path


def _reasons(con, table: str, key: str, day: date) -> dict[str, list[str]]:
    return {k: list(r) for k, r in con.execute(
        f"SELECT {key}, reason_codes FROM work.validated.{table} WHERE delivery_date = ?",
        [day]).fetchall()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    home = tmp_path_factory.mktemp("poison")
    settings = home_settings(home)
    plans = _write(home / "SXD__quy_hoach_1.geojson", [
        _plan("QH-GOOD", SQUARE), _plan("QH-TEXT", TEXT_COORDS), _plan("QH-BOWTIE", BOW_TIE)])
    pois = _write(home / "SNNMT__ban_do_1.geojson", [
        _poi("POI-GOOD", [103.46, 22.40]), _poi("POI-TEXT", ["103.46", "22.40"])])
    for source, path in (("planning", plans), ("map", pois)):
        deliver(settings, source, path, date(2026, 11, 1))  # accepted at ingest, as before
    # a corrected re-delivery of the poisoned plan, later
    fixed = _write(home / "SXD__quy_hoach_2.geojson", [_plan("QH-TEXT", SQUARE)])
    deliver(settings, "planning", fixed, date(2026, 11, 2))
    # …and a later map delivery that breaks the good point: the map keeps the good version
    broken = _write(home / "SNNMT__ban_do_2.geojson", [_poi("POI-GOOD", ["1", "2"])])
    deliver(settings, "map", broken, date(2026, 11, 3))
    load(settings, "planning", "map")
    code = build(settings, "+planning_areas", "+map_points_of_interest")
    with connect(settings) as con:
        plans_by_delivery = con.execute(
            "SELECT plan_id, delivery_date, reason_codes FROM "
            "work.validated.int_plans_rule_checked ORDER BY plan_id, delivery_date").fetchall()
        published = {
            "plans": con.execute("SELECT plan_id, delivery_date, geom IS NOT NULL, commune_name "
                                 "FROM work.marts.planning_areas ORDER BY 1").fetchall(),
            "pois": con.execute("SELECT poi_id, delivery_date, lon, lat "
                                "FROM work.marts.map_points_of_interest").fetchall()}
        yield (code, plans_by_delivery,
               _reasons(con, "int_pois_rule_checked", "poi_id", date(2026, 11, 1)), published)


def test_the_build_passes(built):
    code, *_ = built
    assert code == 0


def test_unreadable_or_self_intersecting_geometries_are_reason_codes(built):
    _, plans, pois, _ = built
    first = {plan_id: list(codes) for plan_id, day, codes in plans if day == date(2026, 11, 1)}
    assert first == {"QH-GOOD": [], "QH-TEXT": ["GEOM_INVALID"], "QH-BOWTIE": ["GEOM_INVALID"]}
    assert pois["POI-GOOD"] == [] and pois["POI-TEXT"] == ["GEOM_INVALID"]


def test_a_corrected_redelivery_is_clean(built):
    _, plans, _, _ = built
    assert [list(c) for p, day, c in plans if p == "QH-TEXT" and day == date(2026, 11, 2)] == [[]]


def test_the_published_layers_hold_each_items_latest_valid_version(built):
    *_, published = built
    # the corrected plan from its re-delivery; the self-intersecting one not at all
    assert [(p, day, valid) for p, day, valid, _ in published["plans"]] == [
        ("QH-GOOD", date(2026, 11, 1), True), ("QH-TEXT", date(2026, 11, 2), True)]
    assert {name for *_, name in published["plans"]} == {"Phường Đoàn Kết"}
    # the good point stays where it was: its later, broken version does not replace it
    assert published["pois"] == [("POI-GOOD", date(2026, 11, 1), 103.46, 22.4)]
