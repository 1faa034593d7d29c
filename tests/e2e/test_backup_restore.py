"""Backup and restore, end to end as an operator runs them: `ioc backup` of a published home,
an incremental second backup that copies no Parquet file again, the home moved to another
path (it still works: a home is not tied to its path), `ioc restore` into an empty home at a
third path giving the same releases — every release's content hash per table, `ioc status`,
the audit chain, a past release's briefing byte for byte — and `ioc restore --drill`.
Damaged, forged and misplaced backups are refused with the reason."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from ioc_pipelines.core import audit, content
from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.settings import load_settings
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import status

pytestmark = pytest.mark.slow
SCALE = "0.004"


def _settings(home: Path):
    return load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env")})


def _contents(home: Path) -> dict[int, dict]:
    settings = _settings(home)
    return {r.id: content.release_content(settings, r.id) for r in list_releases(settings)}


def _manifests(vault: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((vault / "backups").glob("*.json"))]


@pytest.fixture(scope="module")
def restored(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    original = root / "a" / "ioc"
    env = clean_env(original)
    run_ioc(env, "run", "--scale", SCALE, "--approve-by", "test")
    # a second release (a rollback to the first, recorded as release 2): a past one to render
    run_ioc(env, "publish", "--release", "1", "--by", "test", "--reason", "a past release")
    vault = root / "vault"
    first = run_ioc(env, "backup", str(vault))
    second = run_ioc(env, "backup", str(vault))
    # the home moves: it must keep working where it is now, and the backup must not need it
    moved = root / "moved" / "ioc"
    moved.parent.mkdir()
    shutil.move(original, moved)
    new_home = root / "b" / "ioc"
    restore = run_ioc(clean_env(new_home), "restore", str(vault))
    return {"moved": moved, "new": new_home, "vault": vault, "first": first, "second": second,
            "restore": restore}


def test_a_second_backup_copies_no_parquet_file_again(restored):
    first, second = _manifests(restored["vault"])
    parquet = {e["key"]: e["sha256"] for e in first["entries"]
               if e["part"] == "object" and e["key"].endswith(".parquet")}
    assert parquet, "the published home has Parquet files"
    copied = int(re.search(r"copied ([\d,]+) ", restored["second"].stdout).group(1)
                 .replace(",", ""))
    stamped = [e for e in second["entries"] if not e["stamp"]]  # databases: always taken
    assert copied == len(stamped) < len(second["entries"]) / 5
    assert {e["key"]: e["sha256"] for e in second["entries"]
            if e["part"] == "object" and e["key"].endswith(".parquet")} == parquet
    # every file of the backup is in the backup directory, under its checksum
    for entry in second["entries"]:
        kept = restored["vault"] / "objects" / entry["sha256"][:2] / entry["sha256"]
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == entry["sha256"]


def test_the_restored_home_has_the_same_releases_status_and_audit_chain(restored):
    out = restored["restore"].stdout
    assert "✗" not in out and out.count("✓") == 4, out
    moved, new = restored["moved"], restored["new"]
    before, after = _contents(moved), _contents(new)
    assert len(before) >= 2 and after == before  # every release, every table's hash
    old_status, new_status = status(run_ioc, clean_env(moved)), status(run_ioc, clean_env(new))
    for doc in (old_status, new_status):
        doc.pop("published_attach")
    assert new_status == old_status
    # the chain as backed up (the home then recorded its backup), then the restore's entry
    backed_up = _manifests(restored["vault"])[-1]["verify"]["audit"]["entries"]
    chain = audit.verify(_settings(new))
    assert chain.ok and chain.entries == backed_up + 1
    hashes = [[e["entry_hash"] for e in sorted(audit.entries(_settings(home)),
                                               key=lambda e: e["entry_id"])][:backed_up]
              for home in (moved, new)]
    assert len(hashes[0]) == backed_up and hashes[1] == hashes[0]
    [entry] = [e for e in audit.entries(_settings(new)) if e["action"] == "home.restore"]
    assert entry["object"] == str(restored["vault"].resolve())


def test_a_past_release_renders_the_same_bytes_from_the_restored_home(restored):
    first_release = min(_contents(restored["moved"]))
    pages = []
    for home in (restored["moved"], restored["new"]):
        proc = run_ioc(clean_env(home), "report", "briefing", "--release", str(first_release),
                       "--no-pdf")
        [path] = re.findall(r"release \d+: (\S+\.html)", proc.stdout)
        pages.append(Path(path).read_bytes())
    assert pages[0] == pages[1]


def test_the_drill_restores_elsewhere_and_says_what_it_verified(restored):
    proc = run_ioc(clean_env(restored["moved"]), "restore", str(restored["vault"]), "--drill")
    assert re.search(r"into a temporary home \(removed\): [\d,]+ file\(s\), [\d.,]+ MiB in "
                     r"[\d.]+ s", proc.stdout)
    assert proc.stdout.count("✓") == 4


def test_keeping_the_newest_backup_removes_only_what_it_does_not_need(restored, tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(restored["vault"], vault)
    proc = run_ioc(clean_env(restored["moved"]), "backup", str(vault), "--keep", "1")
    assert "removed 2 (" in proc.stdout
    [manifest] = _manifests(vault)
    kept = {p.name for p in (vault / "objects").glob("*/*")}
    assert kept == {e["sha256"] for e in manifest["entries"]}
    drill = run_ioc(clean_env(restored["moved"]), "restore", str(vault), "--drill")
    assert drill.stdout.count("✓") == 4 and "✗" not in drill.stdout


def test_misplaced_damaged_and_forged_backups_are_refused(restored, tmp_path):
    moved, vault = restored["moved"], restored["vault"]
    inside = run_ioc(clean_env(moved), "backup", str(moved / "backups"), check=False)
    assert inside.returncode == 2 and "inside the home" in inside.stderr + inside.stdout
    # a home that holds data is never restored over
    busy = run_ioc(clean_env(restored["new"]), "restore", str(vault), check=False)
    assert busy.returncode == 2 and "is not empty" in busy.stderr + busy.stdout

    damaged = tmp_path / "damaged"
    shutil.copytree(vault, damaged)
    manifest = _manifests(damaged)[-1]
    victim = next(e for e in manifest["entries"] if e["part"] == "object")
    kept = damaged / "objects" / victim["sha256"][:2] / victim["sha256"]
    kept.write_bytes(kept.read_bytes()[:-1] + b"\x00")
    proc = run_ioc(clean_env(tmp_path / "c" / "ioc"), "restore", str(damaged), check=False)
    assert proc.returncode == 2 and "does not match its checksum" in proc.stderr + proc.stdout

    forged = tmp_path / "forged"
    shutil.copytree(vault, forged)
    path = sorted((forged / "backups").glob("*.json"))[-1]
    doc = json.loads(path.read_text())
    doc["entries"][0] = {**doc["entries"][0], "part": "file", "path": "../../escaped"}
    path.write_text(json.dumps(doc))
    proc = run_ioc(clean_env(tmp_path / "d" / "ioc"), "restore", str(forged), check=False)
    assert proc.returncode == 2 and "does not match its checksum" in proc.stderr + proc.stdout
    path.with_suffix(".sha256").write_text(hashlib.sha256(path.read_bytes()).hexdigest())
    proc = run_ioc(clean_env(tmp_path / "e" / "ioc"), "restore", str(forged), check=False)
    assert proc.returncode == 2 and "outside the home" in proc.stderr + proc.stdout
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "e" / "escaped").exists()
