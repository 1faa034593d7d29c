"""đủ by size, end to end on a real work lake: the dbt model delivery_volume_changes compares
the newest extract of each provider and kind of file with the one before, and the volume
check judges it against the contract's max_drop."""

from __future__ import annotations

import pytest

from ioc_pipelines.core import state, tools
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from quality_checks.deliveries import Volume, volume_changes

DELIVERIES = [
    ("population", "CA_TINH", "CA_TINH__dan_cu_12_20261020.csv", "2026-10-20", 1000),
    ("population", "CA_TINH", "CA_TINH__dan_cu_12_20261121.csv", "2026-11-21", 1010),
    # the same extract in another format, a day later, with 30 % fewer people
    ("population", "CA_TINH", "CA_TINH__dan_cu_12_20261122.jsonl", "2026-11-22", 707),
    # a supplement is another kind of file: not compared with the extract
    ("population", "CA_TINH", "dan_cu_12_bo_sung.csv", "2026-11-22", 30),
    # the only households list so far: nothing to compare with
    ("households", "SNV", "SNV__ho_gia_dinh_202611.csv", "2026-11-05", 500),
    # a grown housing list
    ("housing", "SXD", "SXD__nha_o_202610.csv", "2026-10-05", 100),
    ("housing", "SXD", "SXD__nha_o_202611.csv", "2026-11-05", 120),
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    home = tmp_path_factory.mktemp("volumes")
    settings = load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "none.env")})
    with connect(settings) as con:
        state.ensure(con)
        for i, (source, provider, file, day, rows) in enumerate(DELIVERIES):
            con.execute(
                "INSERT INTO work.ops.deliveries (delivery_id, source, provider, delivery_date, "
                "file_name, landed_at, status, row_count) VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?)",
                [f"d{i}", source, provider, day, file, f"{day} 08:00", rows])
        # a rejected (unreadable) file is no extract
        con.execute("INSERT INTO work.ops.deliveries (delivery_id, source, provider, "
                    "delivery_date, file_name, landed_at, status) VALUES ('bad', 'population', "
                    "'CA_TINH', '2026-11-23', 'CA_TINH__dan_cu_12_20261123.csv', "
                    "'2026-11-23 08:00', 'rejected')")
    code = tools.dbt(settings, ["build", "--select", "delivery_volume_changes", "--quiet",
                                "--target-path", str(home / "target"),
                                "--log-path", str(home / "logs")])
    assert code == 0  # the model and its tests (one row per kind) pass
    with connect(settings) as con:
        yield con


def test_a_shrunken_extract_is_flagged_against_the_one_before(lake):
    [change] = volume_changes(lake, Volume("population", max_drop=0.1))
    assert change["file"] == "CA_TINH__dan_cu_12_20261122.jsonl"
    assert change["previous_file"] == "CA_TINH__dan_cu_12_20261121.csv"
    assert (change["rows"], change["previous_rows"]) == (707, 1010)
    assert change["drop"] == 0.3 and change["too_large"]
    assert not volume_changes(lake, Volume("population", max_drop=0.5))[0]["too_large"]


def test_a_first_extract_or_a_grown_one_is_not_flagged(lake):
    assert volume_changes(lake, Volume("households", max_drop=0.1)) == []
    [grown] = volume_changes(lake, Volume("housing", max_drop=0.0))
    assert grown["drop"] == pytest.approx(-0.2) and not grown["too_large"]
