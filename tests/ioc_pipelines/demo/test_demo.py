"""The demo province generator: every defect type of the issue is injected and recorded where
it really is; deliveries follow the landing layout, some late, some missing; places are real."""

import json
from collections import Counter
from datetime import UTC, date

import pytest

from connectors import get_connector
from connectors.text import vietnamese_score
from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.demo import generate_province
from ioc_pipelines.demo.common import Province
from ioc_pipelines.demo.population import generate as generate_population
from ioc_pipelines.provinces import provinces
from tests.conftest import clean_env, run_ioc
from tests.connectors.helpers import read

AS_OF = date(2026, 11, 22)

# the defect families the issue names -> the types the generator uses for them
REQUIRED = {
    "duplicates": {"cccd_duplicate", "household_duplicate", "member_duplicate", "house_duplicate",
                   "permit_duplicate", "event_duplicate"},
    "invalid or inconsistent CCCD": {"cccd_format", "cccd_cmnd", "cccd_prefix",
                                     "cccd_century_sex", "cccd_birth_year", "cccd_invalid"},
    "unknown or pre-2025 commune codes": {"commune_unknown", "commune_pre2025"},
    "coordinates outside / undeclared VN-2000": {"coord_outside_province",
                                                 "coord_undeclared_vn2000"},
    "future or impossible dates": {"birth_date_invalid", "issued_future", "event_date_future",
                                   "received_future", "resolved_before_received",
                                   "decision_date_future"},
    "negative or unit-mistaken values": {"negative_value", "area_negative", "unit_mistake"},
    "mojibake": {"mojibake"},
    "missing required fields": {"name_missing", "required_missing", "missing_actual",
                                "status_missing"},
    "IoT": {"stuck_sensor", "gap", "out_of_order", "duplicate_reading", "out_of_range"},
}


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    manifest = generate_province(out, province="laichau", scale=0.005, months=2, as_of=AS_OF,
                                 seed=3)
    return out, manifest


def test_every_defect_family_is_injected(province):
    _out, manifest = province
    types = set(manifest["defect_types"] if "defect_types" in manifest else
                {d["defect"] for d in manifest["defects"]})
    for family, wanted in REQUIRED.items():
        assert wanted <= types, (family, wanted - types)


def test_manifest_on_disk_matches_and_names_real_records(province):
    out, manifest = province
    on_disk = json.loads((out / "truth" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["defects"] == manifest["defects"]
    rows = {(d["source"], d["file"]): d["rows"] for d in on_disk["deliveries"]}
    for defect in on_disk["defects"]:
        assert (defect["source"], defect["file"]) in rows, defect
        if defect["record_number"] is not None:
            delivered = rows[(defect["source"], defect["file"])][defect["table"]]
            assert defect["record_number"] in range(1, delivered + 1), defect


def test_deliveries_follow_the_landing_layout_and_are_readable(province):
    out, manifest = province
    for d in manifest["deliveries"]:
        path = out / d["path"]
        source, day, name = path.parts[-3:]
        assert path.parts[-4] == "landing" and source == d["source"]
        assert day == d["delivery_date"] and name.startswith(f"{d['provider']}__")
        tables = read(source, path, provider=d["provider"])
        assert {t: len(r) for t, r in tables.items()} == d["rows"], d["path"]


def test_late_and_missing_deliveries(province):
    _out, manifest = province
    late = [d for d in manifest["deliveries"] if d["status"] == "late"]
    assert late and all(d["delivery_date"] > d["due_date"] for d in late)
    assert {m["source"] for m in manifest["missing_deliveries"]} & {"iot", "indicators",
                                                                      "finance", "land_permits"}


def _record(out, manifest, defect):
    d = next(x for x in manifest["deliveries"] if x["file"] == defect["file"])
    return read(defect["source"], out / d["path"], provider=d["provider"])[defect["table"]]


def test_defects_are_where_the_manifest_says(province):
    out, manifest = province
    seen = Counter()
    laichau = Province.load("laichau")
    codes = {c.code for c in laichau.communes}
    for defect in manifest["defects"]:
        kind, n = defect["defect"], defect["record_number"]
        if seen[kind] >= 3 or n is None:
            continue
        seen[kind] += 1
        rows = _record(out, manifest, defect)
        row = rows[n - 1]
        if kind == "cccd_cmnd":
            assert len(row["citizen_id"]) == 9
        elif kind == "commune_unknown":
            assert row["commune_code"] not in codes
        elif kind == "commune_pre2025":
            assert row["commune_code"] not in codes and row["commune_code"].startswith("0")
        elif kind == "coord_outside_province":
            lon, lat = (row["x"], row["y"]) if "x" in row else json.loads(row["geometry"])[
                "coordinates"]
            assert not (102 < lon < 104.5 and 21.5 < lat < 23)
        elif kind == "coord_undeclared_vn2000":
            assert row["x"] > 100_000 and row["crs"] == "EPSG:9205"
        elif kind == "stuck_sensor":
            prev = rows[n - 2]
            assert (prev["sensor_id"], prev["value"]) == (row["sensor_id"], row["value"])
        elif kind == "duplicate_reading":
            key = (row["sensor_id"], row["observed_at"], row["quantity"], row["value"])
            assert key in {(r["sensor_id"], r["observed_at"], r["quantity"], r["value"])
                           for r in rows[:n - 1]}
        elif kind == "out_of_order":
            assert row["observed_at"] > rows[n]["observed_at"]
        elif kind == "unit_mistake":
            assert row["unit"] == "tỷ đồng" and row["actual"] >= 1000
        elif kind in ("negative_value", "area_negative"):
            value = row.get("actual") if "actual" in row else row.get("floor_area_m2",
                                                                      row.get("disbursed"))
            assert value is not None and value < 0
        elif kind == "mojibake":
            # UTF-8 read as cp1252 ("Tá»•ng"): no longer Vietnamese words
            assert vietnamese_score(row["indicator_name"])[0] < 0.7, row["indicator_name"]
        elif kind == "missing_actual":
            assert row["actual"] is None
        elif kind == "cccd_duplicate":
            assert sum(r["citizen_id"] == row["citizen_id"] for r in rows) >= 1
    assert seen["stuck_sensor"] and seen["unit_mistake"] and seen["coord_outside_province"]


def test_houses_lie_inside_their_commune(province):
    """Checked with DuckDB spatial (another implementation than the generator's)."""
    import duckdb

    from ioc_pipelines.resources.extensions import ensure_extensions

    out, manifest = province
    flagged = {(d["file"], d["record_number"]) for d in manifest["defects"]}
    d = next(x for x in manifest["deliveries"] if x["source"] == "housing"
             and x["provider"] == "SXD")
    rows = [(r["commune_code"], r["x"], r["y"])
            for n, r in enumerate(read("housing", out / d["path"])["housing__houses"], start=1)
            if (d["file"], n) not in flagged]
    con = duckdb.connect()
    ensure_extensions(con, ["spatial"])
    con.execute("CREATE TABLE houses (commune VARCHAR, x DOUBLE, y DOUBLE)")
    con.executemany("INSERT INTO houses VALUES (?, ?, ?)", rows)
    outside = con.execute(
        "SELECT count(*) FROM houses h JOIN st_read(?) b ON b.code = h.commune "
        "WHERE NOT st_contains(b.geom, st_point(h.x, h.y))",
        [provinces()["12"].boundary_uri]).fetchone()[0]
    assert len(rows) > 50 and outside == 0


@pytest.mark.parametrize(("code", "commune", "river"), [
    ("14", "Xã Sông Mã", "Sông Mã"), ("19", "Phường Sông Công", "Sông Công")])
def test_stations_stand_at_real_places(tmp_path, code, commune, river):
    """Air quality in the province's towns (wards); a commune's first station at its
    centroid, any more inside its boundary (checked with DuckDB spatial); a water-level
    station at the commune that bears a river's name, labelled with that river."""
    import duckdb

    from ioc_pipelines.demo.common import Truth
    from ioc_pipelines.demo.iot import _sensors
    from ioc_pipelines.resources.extensions import ensure_extensions

    place = Province.load(code)
    sensors = _sensors(Truth(tmp_path, place), scale=0.25, seed=3)
    by_code = {c.code: c for c in place.communes}
    first: dict[str, dict] = {}
    for s in sensors:
        first.setdefault(s["commune"], s)
    assert len(sensors) > len(first) > 20  # some communes hold more than one station
    assert all(by_code[s["commune"]].level == "phường" for s in sensors
               if s["kind"] == "air_quality")
    assert all((s["lon"], s["lat"]) == (round(by_code[c].lon, 6), round(by_code[c].lat, 6))
               for c, s in first.items())
    con = duckdb.connect()
    ensure_extensions(con, ["spatial"])
    con.execute("CREATE TABLE s (commune VARCHAR, lon DOUBLE, lat DOUBLE)")
    con.executemany("INSERT INTO s VALUES (?, ?, ?)",
                    [(s["commune"], s["lon"], s["lat"]) for s in sensors])
    inside = con.execute("SELECT count(*) FROM s JOIN st_read(?) b ON b.code = s.commune "
                         "WHERE st_contains(b.geom, st_point(s.lon, s.lat))",
                         [provinces()[code].boundary_uri]
                         ).fetchone()[0]
    assert inside == len(sensors)
    water = [s for s in sensors if s["kind"] == "water_level"]
    assert {s["river"] for s in water} <= set(place.info["rivers"])
    assert any(by_code[s["commune"]].name == commune and s["river"] == river for s in water)


def test_ethnic_mix_and_poverty_follow_the_province(tmp_path):
    lc = generate_population(tmp_path / "lc", province="laichau", people=3000, as_of=AS_OF)
    hy = generate_population(tmp_path / "hy", province="hungyen", people=3000, as_of=AS_OF)

    def kinh_share(manifest, folder):
        rows = []
        for d in manifest["deliveries"]:
            rows += read("population", folder / d["path"])["population__citizens"]
        return sum(r["ethnicity_code"] == "01" for r in rows) / len(rows)

    assert kinh_share(lc, tmp_path / "lc") < 0.3  # Thái, Mông, Dao … are most of Lai Châu
    assert kinh_share(hy, tmp_path / "hy") > 0.95


@pytest.mark.parametrize(("province", "expect"), [
    # Thái Nguyên (merged with Bắc Kạn): Kinh with Tày, Nùng, Dao; IDs of both former provinces
    ("thai_nguyen", {"code": "19", "group": "02", "share": (0.12, 0.24), "kinh": (0.58, 0.74),
                     "births": {"006", "019"}, "village": "Thôn"}),
    # Cần Thơ (merged with Sóc Trăng, Hậu Giang): Khmer hamlets ("ấp")
    ("92", {"code": "92", "group": "05", "share": (0.08, 0.17), "kinh": (0.8, 0.92),
            "births": {"092", "093", "094"}, "village": "Ấp"}),
    # Đắk Lắk: Ê Đê villages ("buôn") and their names
    ("Đắk Lắk", {"code": "66", "group": "12", "share": (0.09, 0.18), "kinh": (0.7, 0.82),
                 "births": {"066", "054"}, "village": "Buôn"}),
])
def test_any_province_gets_its_region_people_ids_and_villages(tmp_path, province, expect):
    manifest = generate_population(tmp_path, province=province, people=3000, as_of=AS_OF)
    rows = []
    for d in manifest["deliveries"]:
        rows += read("population", tmp_path / d["path"])["population__citizens"]
    share = Counter(r["ethnicity_code"] for r in rows)
    low, high = expect["share"]
    assert low < share[expect["group"]] / len(rows) < high
    low, high = expect["kinh"]
    assert low < share["01"] / len(rows) < high
    communes = {u["code"] for u in read_reference("admin_units_2025.csv")
                if u["province_code"] == expect["code"]}
    # the province's own communes (injected defects aside: unknown and pre-2025 codes)
    assert sum(r["commune_code"] in communes for r in rows) / len(rows) > 0.9
    births = Counter(r["citizen_id"][:3] for r in rows if r["citizen_id"])
    assert expect["births"] <= set(births)  # people born in each former province
    assert sum(births[b] for b in expect["births"]) / len(rows) > 0.85
    assert sum(r["address"].startswith(expect["village"] + " ") for r in rows if r["address"]
               ) / len(rows) > 0.9


def test_an_unknown_province_is_refused_naming_the_34(tmp_path):
    with pytest.raises(ValueError, match="01 Hà Nội.*19 Thái Nguyên.*96 Cà Mau"):
        generate_population(tmp_path, province="Bắc Kạn", people=10, as_of=AS_OF)


def test_poverty_rate_near_the_official_figure(province):
    _out, manifest = province
    counts = manifest["counts"]
    assert abs(counts["poor_households"] / counts["households"] - 0.195) < 0.05
    assert counts["households"] > 200 and counts["houses"] > 0.9 * counts["households"]


def test_cli_generates_hung_yen(tmp_path):
    proc = run_ioc(clean_env(tmp_path / "home"), "demo-data", "--province", "hungyen",
                   "--scale", "0.0005", "--months", "1", "--out", str(tmp_path / "hy"),
                   "--as-of", AS_OF.isoformat())
    assert "indicators" in proc.stdout and "truth:" in proc.stdout
    manifest = json.loads((tmp_path / "hy" / "truth" / "manifest.json").read_text())
    assert manifest["province_code"] == "33"
    units = {c.code for c in Province.load("hungyen").communes}
    assert len(units) == 104
    houses = [d for d in manifest["deliveries"] if d["source"] == "housing"]
    vn = next(d for d in houses if d["file"].endswith(".csv") and d["provider"].startswith("XA_"))
    row = read("housing", tmp_path / "hy" / vn["path"])["housing__houses"][0]
    assert row["crs"] == "EPSG:9209"  # Hưng Yên's TM-3 zone, detected from the northing
    assert get_connector("housing")


def test_the_demo_lives_on_the_provinces_day(tmp_path, monkeypatch):
    """At 18:30 UTC it is already tomorrow in Việt Nam: the demo's deliveries and truth are
    dated by the province's day — the day the completeness checks judge by — not by the
    server's (a run in the evening UTC found 'missing' reports the truth did not list)."""
    import ioc_pipelines.clock as clock

    class Evening(clock.datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.datetime(2026, 3, 1, 18, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Evening)
    assert clock.today() == date(2026, 3, 2)
    manifest = generate_population(tmp_path, people=30, seed=3)
    assert manifest["as_of"] == "2026-03-02"
    assert max(p.name for p in (tmp_path / "landing" / "population").iterdir()) == "2026-03-02"
