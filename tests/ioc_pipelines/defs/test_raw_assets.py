"""Raw assets land every source in the work lake through Dagster, with row counts and lineage;
periodic sources load one partition (delivery day / month) at a time."""

from collections import defaultdict
from datetime import date

import dagster as dg
import pytest

from connectors import SOURCES
from ioc_pipelines.core.landing import ingest_files
from ioc_pipelines.defs.raw.assets import PARTITIONS, RAW_ASSETS
from ioc_pipelines.demo import generate_province
from ioc_pipelines.resources.lakes import connect, init_lakes
from ioc_pipelines.settings import load_settings

AS_OF = date(2026, 11, 22)


@pytest.fixture
def delivered(tmp_path, ioc_home):
    manifest = generate_province(tmp_path / "demo", province="laichau", scale=0.002, months=1,
                                 as_of=AS_OF)
    settings = load_settings()
    init_lakes(settings)
    for source in SOURCES:
        files = sorted((tmp_path / "demo" / "landing" / source).glob("*/*"))
        results = ingest_files(settings, source, files)
        assert all(r.status == "landed" for r in results), results
    return settings, manifest


def _expected(manifest, source=None, day=None):
    rows = defaultdict(int)
    for d in manifest["deliveries"]:
        if (source is None or d["source"] == source) and (day is None
                                                          or d["delivery_date"] == day):
            for table, n in d["rows"].items():
                rows[table] += n
    return rows


def _by_key(result):
    return {e.asset_key.path[-1]: e.step_materialization_data.materialization.metadata
            for e in result.get_asset_materialization_events()}


def test_unpartitioned_sources_load_with_counts_and_lineage(delivered):
    settings, manifest = delivered
    assets = [a for a, s in zip(RAW_ASSETS, SOURCES, strict=True) if s not in PARTITIONS]
    result = dg.materialize(assets, resources={"settings": settings})
    assert result.success
    meta = _by_key(result)
    expected = _expected(manifest)
    for table, m in meta.items():
        assert m["dagster/row_count"].value == expected[table], table
        assert m["rows_loaded"].value == expected[table]
    assert {"households__members", "housing__houses", "map__admin_units",
            "planning__documents"} <= set(meta)
    lineage = meta["housing__houses"]["lineage"].value  # provider × encoding, shown in the UI
    assert "| SXD | utf-8-sig |" in lineage and "| XA_" in lineage
    with connect(settings) as con:
        lineage = con.execute(
            "SELECT DISTINCT _source, _provider, _encoding FROM work.raw.housing__houses "
            "ORDER BY 2").fetchall()
        assert ("housing", "SXD", "utf-8-sig") in lineage
        assert any(p.startswith("XA_") for _s, p, _e in lineage)  # communes deliver too
        statuses = con.execute("SELECT DISTINCT status FROM work.ops.deliveries "
                               "WHERE source NOT IN ('iot', 'indicators')").fetchall()
        assert statuses == [("loaded",)]
    # materialising again finds nothing new: no duplicate rows
    again = _by_key(dg.materialize(assets, resources={"settings": settings}))
    assert again["housing__houses"]["rows_loaded"].value == 0
    assert again["housing__houses"]["dagster/row_count"].value == expected["housing__houses"]


def test_iot_loads_one_delivery_day_per_partition(delivered):
    settings, manifest = delivered
    days = sorted({d["delivery_date"] for d in manifest["deliveries"] if d["source"] == "iot"})
    day = days[3]
    raw_iot = RAW_ASSETS[list(SOURCES).index("iot")]
    result = dg.materialize([raw_iot], partition_key=day, resources={"settings": settings})
    meta = _by_key(result)
    expected = _expected(manifest, "iot", day)
    assert meta["iot__readings"]["rows_loaded"].value == expected["iot__readings"] > 0
    with connect(settings) as con:
        loaded = con.execute("SELECT DISTINCT _delivery_date::VARCHAR FROM "
                             "work.raw.iot__readings").fetchall()
        pending = con.execute("SELECT count(*) FROM work.ops.deliveries WHERE source = 'iot' "
                              "AND status = 'landed'").fetchone()[0]
    assert loaded == [(day,)]
    assert pending == sum(1 for d in manifest["deliveries"]
                          if d["source"] == "iot" and d["delivery_date"] != day)


def test_indicators_partition_is_a_delivery_month(delivered):
    settings, manifest = delivered
    raw = RAW_ASSETS[list(SOURCES).index("indicators")]
    month = next(d["delivery_date"] for d in manifest["deliveries"]
                 if d["source"] == "indicators")[:7]
    result = dg.materialize([raw], partition_key=f"{month}-01", resources={"settings": settings})
    loaded = _by_key(result)["indicators__reports"]["rows_loaded"].value
    expected = sum(d["rows"]["indicators__reports"] for d in manifest["deliveries"]
                   if d["source"] == "indicators" and d["delivery_date"].startswith(month))
    assert loaded == expected > 0
