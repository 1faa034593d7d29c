"""A run with nothing new publishes nothing, and says so.

What a release is made of: the deliveries (every delivery record and its status), the code
that turns them into marts (the package, the dbt project, the contracts and checks — their
files' bytes, not only a version that a working copy does not change), the settings and the
day (completeness and freshness are measured against it). Their fingerprint is kept in ``$IOC_HOME/state/last-run.json`` when a
run publishes or stops at a waiting candidate; the next ``ioc run`` whose inputs have the
same fingerprint, with nothing landed waiting to load, stops before Dagster starts — no
rebuild, no new release (a release rolled back to stays served; a candidate approved or
rejected since stays decided). A run that failed or was blocked is not kept: it is tried
again. ``ioc run --full`` always runs."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from ioc_pipelines import clock
from ioc_pipelines.core import state
from ioc_pipelines.resources.object_store import write_atomically
from ioc_pipelines.settings import REPO_ROOT, Settings

# the code a release is built by: package, connectors and checks, dbt project (not its
# build output)
CODE_DIRS = ("ioc_pipelines", "connectors", "quality_checks", "dbt_project")
SKIPPED_DIRS = {"__pycache__", "target", "dbt_packages", "logs"}
# (the boundaries dbt reads are gzip-compressed GeoJSON files of the dbt project)
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".j2", ".json", ".jsonl", ".md",
                 ".geojson", ".gz"}


def _state_file(settings: Settings) -> Path:
    return settings.home / "state" / "last-run.json"


def code_digest() -> str:
    """A digest of the bytes of every file the release is built by."""
    digest = hashlib.sha256()
    for top in CODE_DIRS:
        for folder, dirs, files in os.walk(REPO_ROOT / top):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            for name in sorted(files):
                path = Path(folder, name)
                if path.suffix in CODE_SUFFIXES and not name.startswith("."):
                    digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0")
                    digest.update(path.read_bytes())
    return digest.hexdigest()


def source_digests(con) -> dict[str, str]:
    """{source: digest of its delivery records and their statuses} (``con``: work attached)."""
    state.ensure(con)
    rows = con.execute("SELECT source, delivery_id, file_key, sha256, status "
                       "FROM work.ops.deliveries ORDER BY ALL").fetchall()
    digests: dict = {}
    for source, *rest in rows:
        digests.setdefault(source, hashlib.sha256()).update(
            json.dumps([str(v) for v in rest]).encode() + b"\n")
    return {source: digest.hexdigest() for source, digest in digests.items()}


def inputs(settings: Settings, con) -> dict:
    """What a run builds from, the day aside: each source's deliveries, the code, the
    settings (``con``: the work lake attached as ``work``; core/selective.py compares them
    source by source)."""
    return {"sources": source_digests(con), "code": code_digest(),
            "settings": hashlib.sha256(repr(settings).encode()).hexdigest()}


def fingerprint(settings: Settings, con, made: dict | None = None) -> str:
    """The fingerprint of a run's inputs (``made``: :func:`inputs`, when already read) and
    the day."""
    parts = {**(made or inputs(settings, con)), "day": clock.today().isoformat()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def remember(settings: Settings, fingerprint_: str, *, run_id: str, outcome: str,
             release_id: int | None) -> None:
    """Keep the inputs of a run that published or left a candidate waiting (written whole:
    a crash leaves the previous record, and the next run simply runs)."""
    record = {"fingerprint": fingerprint_, "run_id": run_id, "outcome": outcome,
              "release": release_id, "at": clock.now().isoformat(timespec="seconds")}
    write_atomically(_state_file(settings), json.dumps(record).encode("utf-8"))


def same_as_last(settings: Settings, fingerprint_: str) -> dict | None:
    """The last kept run when its inputs were these (``at`` as a datetime), else None."""
    try:
        record = json.loads(_state_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("fingerprint") != fingerprint_:
        return None
    return {**record, "at": datetime.fromisoformat(record["at"])}
