"""Which models a run may leave as they are (core/selective.py): on the project's own dbt
manifest, a made-up one for the tests' rule, and a real work lake for the basis."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ioc_pipelines.core import selective, unchanged
from ioc_pipelines.resources.lakes import connect, init_lakes
from tests.dbt_project.lake import deliver, home_settings, load
from tests.ioc_pipelines.core.test_unchanged import IOT


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    from ioc_pipelines.resources.dbt import prepare_manifest

    settings = home_settings(tmp_path_factory.mktemp("parse") / "ioc")
    return json.loads(prepare_manifest(settings).read_text(encoding="utf-8"))


def _models(manifest: dict) -> set[str]:
    return {uid for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and "live" not in node["tags"]}


def test_a_new_iot_day_keeps_every_model_not_built_from_iot_or_the_deliveries(manifest):
    models = _models(manifest)
    kept = selective.kept_models(manifest, {"iot"})
    rebuilt = {uid.split(".")[-1] for uid in models - kept}
    # what the readings feed, and the models that read every delivery record
    assert {"stg_iot__readings", "iot_readings_checked", "iot_hourly", "sensor_health",
            "pm25_exceedance_days", "rule_findings", "quality_scorecard",
            "delivery_rejections"} <= rebuilt
    assert "model.ioc.stg_population__citizens" in kept
    assert "model.ioc.population_by_commune" in kept
    assert not any("live" in manifest["nodes"][uid]["tags"] for uid in kept)
    # the registry's models are rebuilt when the registry delivered, the IoT ones kept
    by_population = selective.kept_models(manifest, {"population"})
    assert "model.ioc.stg_population__citizens" not in by_population
    assert "model.ioc.iot_readings_checked" in by_population
    # with nothing new in any source, only what reads the delivery records is rebuilt
    nothing = {uid.split(".")[-1] for uid in models - selective.kept_models(manifest, set())}
    assert {"quality_scorecard", "delivery_rejections"} <= nothing < rebuilt
    assert not any(name.startswith("stg_") for name in nothing)


def test_a_model_is_rebuilt_when_a_test_of_it_reads_a_rebuilt_one():
    def model(name, *parents):
        return f"model.p.{name}", list(parents)

    parents = dict([
        model("a", "source.ioc.raw.alpha__x"), model("b", "source.ioc.raw.beta__y"),
        model("c", "model.p.a"), model("d", "source.ioc.raw.alpha__z"),
        ("test.p.a_matches_b", ["model.p.a", "model.p.b"]),
        ("test.p.c_matches_d", ["model.p.c", "model.p.d"]),
    ])
    nodes = {uid: {"unique_id": uid, "tags": [],
                   "resource_type": "test" if uid.startswith("test.") else "model"}
             for uid in parents}
    manifest = {"nodes": nodes, "parent_map": parents}
    assert selective.kept_models(manifest, set()) == set(
        uid for uid in parents if uid.startswith("model."))
    # beta delivered: b is rebuilt, so a (its test reads b), so d (c's test reads d and c
    # is kept) stays — a test only ties the models it reads
    assert selective.kept_models(manifest, {"beta"}) == {"model.p.c", "model.p.d"}
    # alpha delivered: a, c, d are rebuilt; b's only test reads a: b is rebuilt with it
    assert selective.kept_models(manifest, {"alpha"}) == set()


def test_the_basis_is_the_last_run_that_passed_and_nothing_else(tmp_path, manifest,
                                                                  monkeypatch):
    settings = home_settings(tmp_path / "ioc")
    init_lakes(settings)
    with connect(settings) as con:
        assert selective.plan(settings, con, manifest) is None  # never built: everything
        selective.remember_basis(settings, con, run_id="run-1")
        same = selective.plan(settings, con, manifest)
    assert same.changed_sources == () and same.basis_run == "run-1"
    assert same.kept == selective.kept_models(manifest, set())

    drop = tmp_path / "SNNMT__a.csv"
    drop.write_text(IOT, encoding="utf-8")
    deliver(settings, "iot", drop)
    load(settings, "iot")
    with connect(settings) as con:
        after_iot = selective.plan(settings, con, manifest)
        assert after_iot.changed_sources == ("iot",)
        assert after_iot.kept == selective.kept_models(manifest, {"iot"})
        # other settings, other code: everything is built again
        assert selective.plan(replace(settings, province_code="33"), con, manifest) is None
        monkeypatch.setattr(unchanged, "code_digest", lambda: "edited")
        assert selective.plan(settings, con, manifest) is None
        monkeypatch.undo()
        # a build started (from any door): until a run passes again, everything
        selective.forget_basis(settings)
        assert selective.plan(settings, con, manifest) is None
        selective.remember_basis(settings, con, run_id="run-2")
        assert selective.plan(settings, con, manifest).changed_sources == ()
    # a basis torn by a crash is no basis
    (settings.home / "state" / "built.json").write_text('{"run_id": "r', encoding="utf-8")
    with connect(settings) as con:
        assert selective.plan(settings, con, manifest) is None
