"""Actors, progress, and the core's refusals, each called alone (no Dagster run, no
subprocess): what a door gets back when a request cannot be done."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioc_pipelines.core import progress, query, releases, reports, status, tools
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.ingest import ingest
from ioc_pipelines.settings import load_settings


def test_actor_names_who_and_through_which_door():
    assert Actor.os_user().name
    assert Actor.named("  Lê Văn C ").name == "Lê Văn C"
    assert Actor("a", via="web").tags() == {"ioc/actor": "a", "ioc/via": "web",
                                            "ioc/role": "operator", "ioc/address": "local"}
    assert Actor("b", "web", "reviewer", "10.0.0.1").tags()["ioc/role"] == "reviewer"


def test_progress_reaches_only_the_listeners_of_the_block():
    seen = []
    progress.report("stage", "before")
    with progress.listening(seen.append):
        progress.report("stage", "dbt build")
        progress.report("check", "marts/x:y", passed=False)
    progress.report("stage", "after")
    assert [(e.kind, e.text, e.passed) for e in seen] == [
        ("stage", "dbt build", None), ("check", "marts/x:y", False)]


def test_status_of_an_empty_home(ioc_home):
    st = status.status(load_settings())
    assert st.release is None and st.published_attach is None and st.releases == 0
    assert st.waiting_candidates == [] and st.last_run is None
    assert {"release", "published_attach"} <= set(st.as_json())


def test_decisions_on_what_does_not_exist_are_refused(ioc_home):
    settings = load_settings()
    with pytest.raises(CoreError, match="candidate 4 does not exist"):
        releases.approve(settings, 4, actor=Actor("Lê Văn C"))
    with pytest.raises(CoreError, match="say who approves"):
        releases.approve(settings, 4, actor=Actor(" "))
    with pytest.raises(CoreError, match="say who rejects and why"):
        releases.reject(settings, 4, actor=Actor("x"), reason=" ")
    with pytest.raises(CoreError, match="release 9 does not exist"):
        releases.republish(settings, 9, actor=Actor("x"))


def test_unknown_source_and_unreadable_files(ioc_home, tmp_path):
    settings = load_settings()
    with pytest.raises(CoreError, match="unknown source 'weather'"):
        ingest(settings, "weather", [tmp_path / "x.csv"], actor=Actor("x"))
    bad = tmp_path / "evil.csv"
    bad.write_bytes(b"ho_ten,xa\nNguy\xe9n V\xe3n A,S\xecn H\xf4\n")  # Latin-1, not UTF-8
    [outcome] = ingest(settings, "population", [bad], actor=Actor("x"))
    assert outcome.landed is None and "not valid UTF-8" in str(outcome.error)


def test_reports_refuse_bad_periods_and_missing_releases(ioc_home):
    settings = load_settings()
    with pytest.raises(CoreError, match="2026-13"):
        reports.parse_period("2026-13", "briefing")
    assert reports.parse_period(None, "operations").code.count("Q") == 1
    with pytest.raises(CoreError, match="no published release"):
        reports.render(settings, "briefing", period="2026-10", pdf=False)
    assert reports.list_reports(settings) == []


def test_sql_gives_rows_by_name_and_errors_as_core_errors(ioc_home):
    settings = load_settings()
    result = query.sql(settings, "SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, NULL", max_rows=1)
    assert result.columns == ["a", "b"] and result.rows == [(1, "x")] and result.more
    assert query.sql(settings, "SELECT 1 AS a", max_rows=None).csv() == "a\n1\n"
    with pytest.raises(CoreError, match="Parser Error|syntax error"):
        query.sql(settings, "SELEC 1")


def test_dbt_needs_a_command(ioc_home):
    with pytest.raises(CoreError, match="ioc dbt build --select marts"):
        tools.dbt(load_settings(), [])


def test_source_pages_are_current():
    # the pages under docs/sources are generated from the contracts: nothing to change
    assert tools.regenerate_source_docs() == []
    assert Path("docs/sources/population.md").is_file()
