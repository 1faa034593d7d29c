"""When dbt cannot build, the liaison team is told which model, which delivery and which
provider, in Vietnamese — not "step warehouse_dbt failed".

Staging reads every delivered value with ``try_cast``/``try(...)``, so no delivery breaks the
real project today; a model that does not (a future change, a defect) is stood in for by a probe
model added to a copy of the dbt project. Two providers deliver household lists; only the
second holds a value the probe cannot read. A real Dagster run on a real lake is blocked, and
what blocked it names the probe, the second delivery and its provider, never the first."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from ioc_pipelines.core import build_errors, runs
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.ingest import ingest
from ioc_pipelines.settings import DBT_PROJECT_DIR, load_settings

pytestmark = pytest.mark.slow

HEADER = "Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát\n"
PROBE = ("-- stands in for a model that casts a delivered value unsafely\n"
         "select cast(household_id as integer) as household_number\n"
         "from {{ source('raw', 'households__households') }}\n")


def test_a_broken_build_names_model_delivery_and_provider(ioc_home, tmp_path, monkeypatch):
    settings = load_settings()
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "validated" / "probe_household_numbers.sql").write_text(PROBE)
    monkeypatch.setattr("ioc_pipelines.resources.dbt.DBT_PROJECT_DIR", project)

    good = tmp_path / "SNV__ho_gia_dinh.csv"
    good.write_text(HEADER + "1200000001;03388;4;nghèo;2025\n", encoding="utf-8")
    bad = tmp_path / "XA_03388__ho_gia_dinh.csv"
    bad.write_text(HEADER + "1200000002;03388;3;nghèo;2025\nHO-BAD-7;03388;2;nghèo;2025\n",
                   encoding="utf-8")
    [first] = ingest(settings, "households", [good], actor=Actor("test"),
                     delivery_date=date(2026, 11, 5))
    [second] = ingest(settings, "households", [bad], actor=Actor("test"),
                      delivery_date=date(2026, 11, 6))
    assert first.landed is not None and second.landed is not None, (first.error, second.error)

    result = runs.run(settings, actor=Actor("tester"), demo=None)
    assert result.outcome == "blocked"
    said = " ".join(result.failures)
    assert "Không dựng được bảng probe_household_numbers" in said, said
    assert "'HO-BAD-7'" in said and second.landed.delivery_id in said and "XA_03388" in said
    assert first.landed.delivery_id not in said and "SNV" not in said
    assert "(bước warehouse_dbt)" in said and "step warehouse_dbt failed" not in said
    # the quality report of the blocked run says the same to the liaison team
    assert result.blocked_report is not None
    page = result.blocked_report.read_text(encoding="utf-8")
    assert "probe_household_numbers" in page and second.landed.delivery_id in page


def test_an_error_without_a_value_names_the_newest_delivery_read():
    manifest = {"nodes": {"model.p.m": {"name": "m", "original_file_path": "models/m.sql"}},
                "parent_map": {"model.p.m": ["model.p.s"], "model.p.s": ["source.p.raw.t"]},
                "sources": {"source.p.raw.t": {"source_name": "raw", "name": "t",
                                               "identifier": "households__households"}}}
    assert build_errors.raw_tables(manifest, "model.p.m") == ["households__households"]
    message = ("Runtime Error in model m (models/m.sql)\n  Conversion Error: Could not convert "
               "string 'HO-BAD-7' to INT32\n\n  LINE 3: select cast('x' as integer)")
    assert build_errors.short_message(message).startswith("Conversion Error: Could not")
    assert build_errors.quoted_values(build_errors.short_message(message), "m") == ["HO-BAD-7"]
    assert build_errors.quoted_values("Binder Error: column \"m\" of type 'INT32'", "m") == []
