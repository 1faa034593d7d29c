"""What makes a run "nothing new" (core/unchanged.py), on a real work lake: the fingerprint
moves with a delivery, its load, the code's bytes, the settings and the day — and with
nothing else; the kept record survives only whole."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from datetime import date

from ioc_pipelines import clock
from ioc_pipelines.core import unchanged
from ioc_pipelines.resources.lakes import connect, init_lakes
from ioc_pipelines.settings import REPO_ROOT
from tests.dbt_project.lake import deliver, home_settings, load

IOT = "ma_tram,thoi_gian,thong_so,gia_tri,don_vi\nAQ-01,2026-11-20 08:00,pm25,31.5,µg/m³\n"


def _fingerprint(settings) -> str:
    with connect(settings) as con:
        return unchanged.fingerprint(settings, con)


def test_the_fingerprint_moves_with_what_a_release_is_made_of(tmp_path, monkeypatch):
    settings = home_settings(tmp_path / "ioc")
    init_lakes(settings)
    empty = _fingerprint(settings)
    assert _fingerprint(settings) == empty  # nothing changed: the same
    drop = tmp_path / "SNNMT__a.csv"
    drop.write_text(IOT, encoding="utf-8")
    deliver(settings, "iot", drop)
    landed = _fingerprint(settings)
    load(settings, "iot")
    loaded = _fingerprint(settings)
    assert len({empty, landed, loaded}) == 3  # a delivery, and its load, are something new
    # another day: completeness and freshness are measured against it
    monkeypatch.setattr(clock, "today", lambda: date(2031, 1, 2))
    assert _fingerprint(settings) != loaded
    monkeypatch.undo()
    assert _fingerprint(settings) == loaded
    # other settings
    assert _fingerprint(replace(settings, max_file_bytes=1 << 20)) != loaded


def test_the_code_digest_reads_the_bytes_not_a_version(tmp_path, monkeypatch):
    copy = tmp_path / "repo"
    for top in unchanged.CODE_DIRS[:3]:
        shutil.copytree(REPO_ROOT / top, copy / top,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "dbt_project" / "models").mkdir(parents=True)
    model = copy / "dbt_project" / "models" / "m.sql"
    model.write_text("select 1 as x\n", encoding="utf-8")
    monkeypatch.setattr(unchanged, "REPO_ROOT", copy)
    before = unchanged.code_digest()
    (copy / "dbt_project" / "target").mkdir()
    (copy / "dbt_project" / "target" / "manifest.json").write_text("{}", encoding="utf-8")
    (copy / "ioc_pipelines" / "__pycache__").mkdir(exist_ok=True)
    (copy / "ioc_pipelines" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert unchanged.code_digest() == before  # dbt's output and bytecode are not code
    model.write_text("select 2 as x\n", encoding="utf-8")
    edited = unchanged.code_digest()
    assert edited != before  # a model edited in a working copy is
    # so are the boundaries the models read
    (copy / "dbt_project" / "data" / "boundaries").mkdir(parents=True)
    (copy / "dbt_project" / "data" / "boundaries" / "x.geojson.gz").write_bytes(
        gzip.compress(b'{"type": "FeatureCollection", "features": []}'))
    assert unchanged.code_digest() != edited


def test_a_run_is_kept_whole_or_not_at_all(tmp_path):
    settings = home_settings(tmp_path / "ioc")
    assert unchanged.same_as_last(settings, "f") is None  # never ran
    unchanged.remember(settings, "f", run_id="r1", outcome="published", release_id=3)
    last = unchanged.same_as_last(settings, "f")
    assert (last["run_id"], last["outcome"], last["release"]) == ("r1", "published", 3)
    assert unchanged.same_as_last(settings, "g") is None  # other inputs
    kept = settings.home / "state" / "last-run.json"
    kept.write_text('{"fingerprint": "f", "run_', encoding="utf-8")  # torn by a crash
    assert unchanged.same_as_last(settings, "f") is None  # the next run simply runs
