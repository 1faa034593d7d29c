"""A province that has not delivered the population registry yet still publishes everything
else: the registry's marts are empty, its đủ check says it never came, nothing blocks."""

from __future__ import annotations

import shutil

import pytest

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.ingest import deliver_folder
from ioc_pipelines.settings import load_settings
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import status

pytestmark = pytest.mark.slow


def test_a_province_without_the_registry_publishes(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    out = tmp_path / "demo"
    run_ioc(env, "demo-data", "--scale", "0.002", "--months", "1", "--out", str(out))
    shutil.rmtree(out / "landing" / "population")
    settings = load_settings(env)
    delivered = {d.source for d in deliver_folder(settings, out, actor=Actor("test"))}
    assert "population" not in delivered and {"households", "indicators"} <= delivered

    proc = run_ioc(env, "run", "--no-demo", "--approve-by", "test", check=False, timeout=1500)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    st = status(run_ioc, env)
    assert st["release"] is not None and st["last_run"]["outcome"] == "published"
    # đủ says the registry never came (a warning: the release is published)
    assert ("check delivered_population on quality/delivery_completeness failed"
            in st["last_run"]["warnings"]), st["last_run"]
    assert not st["last_run"]["failures"]
    tables = st["tables"]
    assert tables["population_by_commune_sex_age"] == 0 and tables["population_by_commune"] == 0
    assert tables["housing_poverty_by_commune"] > 0  # the other sources published
