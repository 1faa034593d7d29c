"""End to end against a real SeaweedFS (`ioc up`: loopback, free ports, stopped afterwards):
the same pipeline, the analyst identity's denied access, and SeaweedFS killed mid-run."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time

import duckdb
import pytest
from minio import Minio
from minio.error import S3Error

from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.resources.extensions import ensure_extensions
from ioc_pipelines.resources.seaweedfs import running
from ioc_pipelines.settings import load_settings
from tests.conftest import BIN, REPO, clean_env, run_ioc
from tests.e2e.helpers import analyst_query, status, truth
from tests.faults.harness import intake, served_problems

pytestmark = [pytest.mark.slow, pytest.mark.s3]


@pytest.fixture(scope="module")
def s3_stack(tmp_path_factory):
    home = tmp_path_factory.mktemp("s3") / "ioc"
    base_env = clean_env(home)
    up = run_ioc(base_env, "up", timeout=120)
    assert "SeaweedFS S3 on http://127.0.0.1:" in up.stdout
    env = clean_env(home, IOC_ENV_FILE=str(home / "seaweedfs" / "ioc.env"))
    try:
        yield home, env
    finally:
        down = run_ioc(base_env, "down", check=False)
        assert "SeaweedFS stopped" in down.stdout
        assert running(home / "seaweedfs") is None


@pytest.fixture(scope="module")
def published(s3_stack):
    home, env = s3_stack
    run_ioc(env, "run", "--scale", "0.002", "--approve-by", "test")
    return home, env, status(run_ioc, env)


def _settings(env):
    return load_settings(env)


def test_pipeline_publishes_to_s3(published):
    home, env, st = published
    assert st["object_store"] == "s3"
    assert "CREATE OR REPLACE SECRET ioc_analyst" in st["published_attach"]
    settings = _settings(env)
    assert settings.s3.analyst_access_key in st["published_attach"]
    assert settings.s3.access_key not in st["published_attach"]  # never the pipeline's key
    # the data really is Parquet in the buckets, not on local disk
    assert not (home / "store").exists()
    client = Minio(settings.s3.endpoint, access_key=settings.s3.access_key,
                   secret_key=settings.s3.secret_key, secure=False, region="us-east-1")
    published_files = [o.object_name for o in
                       client.list_objects("ioc-published", prefix="lake/", recursive=True)]
    assert any(name.endswith(".parquet") for name in published_files)
    landed = [o.object_name for o in
              client.list_objects("ioc-work", prefix="landing/population/", recursive=True)]
    assert len(landed) == 2
    # analysts read the release with their own credentials only
    [(total,)] = analyst_query(st["published_attach"],
                               "SELECT sum(population) FROM ioc.population_by_commune_sex_age")
    assert total == truth(home)["valid_rows"]


def test_analyst_cannot_read_work_bucket_or_write_anywhere(published):
    _, env, _ = published
    s3 = _settings(env).s3
    analyst = Minio(s3.endpoint, access_key=s3.analyst_access_key,
                    secret_key=s3.analyst_secret_key, secure=False, region="us-east-1")
    pipeline = Minio(s3.endpoint, access_key=s3.access_key, secret_key=s3.secret_key,
                     secure=False, region="us-east-1")
    landed = next(pipeline.list_objects("ioc-work", prefix="landing/", recursive=True)).object_name

    def denied(action):
        with pytest.raises(S3Error) as err:
            action()
        assert err.value.code == "AccessDenied"

    denied(lambda: analyst.get_object("ioc-work", landed).read())
    denied(lambda: list(analyst.list_objects("ioc-work", recursive=True)))
    denied(lambda: analyst.put_object("ioc-work", "x/evil.txt", io.BytesIO(b"x"), 1))
    denied(lambda: analyst.put_object("ioc-published", "lake/evil.parquet", io.BytesIO(b"x"), 1))
    denied(lambda: analyst.remove_object("ioc-published", next(
        pipeline.list_objects("ioc-published", prefix="lake/", recursive=True)).object_name))
    # and reading published objects is allowed
    report = next(pipeline.list_objects("ioc-published", prefix="reports/", recursive=True))
    assert b"<html" in analyst.get_object("ioc-published", report.object_name).read()


def test_analyst_duckdb_cannot_read_the_work_lake(published):
    _, env, _ = published
    settings = _settings(env)
    s3 = settings.s3
    con = duckdb.connect()
    ensure_extensions(con, ["ducklake", "httpfs", "sqlite_scanner"])
    con.execute(f"CREATE SECRET a (TYPE s3, KEY_ID '{s3.analyst_access_key}', "
                f"SECRET '{s3.analyst_secret_key}', ENDPOINT '{s3.endpoint}', URL_STYLE 'path', "
                "USE_SSL false, REGION 'us-east-1')")
    with pytest.raises(duckdb.Error, match="403|Forbidden|Access"):
        con.execute("SELECT count(*) FROM read_parquet('s3://ioc-work/lake/**/*.parquet')").fetchall()
    con.execute(f"ATTACH 'ducklake:sqlite:{settings.work_catalog.sqlite_path}' AS w (READ_ONLY)")
    with pytest.raises(duckdb.Error, match="403|Forbidden|Access"):
        con.execute("SELECT max(full_name) FROM w.validated.citizens").fetchall()
    con.close()


def test_backup_into_an_s3_bucket_restores_in_a_drill(published):
    """`ioc backup s3://bucket/prefix`: never one of the home's own buckets; incremental (a
    second backup copies no Parquet file again); listed; a drill restores it and verifies."""
    home, env, _ = published
    own = run_ioc(env, "backup", "s3://ioc-published/backups", check=False)
    assert own.returncode == 2 and "is a bucket of the home it backs up" in own.stderr, \
        own.stdout + own.stderr
    hostile = run_ioc(env, "backup", "s3://ioc-backup/../x", check=False)
    assert hostile.returncode == 2 and "is not a backup place" in hostile.stderr

    first = run_ioc(env, "backup", "s3://ioc-backup/nightly", timeout=900)
    assert "Manifest: s3://ioc-backup/nightly/backups/" in first.stdout, first.stdout
    second = run_ioc(env, "backup", "s3://ioc-backup/nightly", timeout=900)
    assert "the rest unchanged since the last backup" in second.stdout, second.stdout
    settings = _settings(env)
    client = Minio(settings.s3.endpoint, access_key=settings.s3.access_key,
                   secret_key=settings.s3.secret_key, secure=False, region="us-east-1")
    keys = [o.object_name for o in client.list_objects("ioc-backup", prefix="nightly/",
                                                        recursive=True)]
    manifests = sorted(k for k in keys if k.endswith(".json"))
    assert len(manifests) == 2 and all(k.startswith("nightly/") for k in keys)
    [old, new] = [json.loads(client.get_object("ioc-backup", k).read()) for k in manifests]
    parquet = {e["sha256"] for e in old["entries"] if e.get("key", "").endswith(".parquet")}
    assert parquet and parquet <= {e["sha256"] for e in new["entries"]}
    stored = {k.rsplit("/", 1)[1] for k in keys if "/objects/" in k}
    assert {e["sha256"] for e in new["entries"]} <= stored
    listed = run_ioc(env, "backup", "s3://ioc-backup/nightly", "--list")
    assert listed.stdout.count("release ") == 2, listed.stdout
    drill = run_ioc(env, "restore", "s3://ioc-backup/nightly", "--drill", timeout=900)
    assert drill.stdout.count("✓") == 4 and "✗" not in drill.stdout, drill.stdout


def test_the_object_store_killed_mid_run_is_named_and_the_release_stays(published):
    """SIGKILL SeaweedFS while `ioc run` builds: the run says the object store does not
    answer (one line, no traceback) and publishes nothing; `ioc status` says it too; once
    `ioc up` brings it back the previous release is served whole, no landing file or delivery
    record was lost or doubled, and the next run publishes. (Last in the module: the others
    read the first release.)"""
    home, env, _ = published
    settings = _settings(env)
    releases_before = [r.id for r in list_releases(settings)]
    before = intake(settings)
    run = subprocess.Popen([str(BIN / "ioc"), "run", "--no-demo", "--full"], cwd=REPO,
                           env=env | {"PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    said = []
    for line in run.stdout:  # the main job has begun: its raw loads read the object store
        said.append(line)
        if "main job" in line:
            break
    time.sleep(2)
    assert run.poll() is None, "".join(said)
    server = running(home / "seaweedfs")
    os.kill(server.pid, signal.SIGKILL)
    said += run.stdout.readlines()
    run.wait(timeout=600)
    out = "".join(said)
    assert run.returncode == 1, out
    assert f"the object store (S3 at {settings.s3.endpoint}) does not answer" in out, out
    assert f"still serves release {releases_before[-1]}" in out, out
    assert "Traceback" not in out, out
    down = run_ioc(env, "status", check=False)
    assert down.returncode == 0, down.stderr
    assert "⚠ the object store" in down.stdout and \
        f"Current release: {releases_before[-1]}" in down.stdout, down.stdout

    up = run_ioc(clean_env(home), "up", timeout=120)
    assert "SeaweedFS S3 on http://127.0.0.1:" in up.stdout
    settings = _settings(env)  # `ioc up` may have taken other free ports
    assert [r.id for r in list_releases(settings)] == releases_before
    assert served_problems(settings) == []
    assert intake(settings) == before
    run_ioc(env, "run", "--no-demo", "--full")
    assert [r.id for r in list_releases(settings)] == releases_before + [releases_before[-1] + 1]
    assert served_problems(settings) == []
