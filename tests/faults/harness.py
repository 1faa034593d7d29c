"""The fault-injection harness: SIGKILL a pipeline step at a random moment, check what the
crash left behind, run the step again, and compare with a run that was never interrupted.

Each phase starts from a saved copy of a home (``start``): the step (``tests/faults/step.py``)
runs as its own process group, killed after a random delay within the uninterrupted step's
duration; then the invariants are checked on what the kill left, the step runs again to the
end, and the result must equal the uninterrupted run's. Used by the CI test at a small size
and by ``benchmarks/bench_faults.py`` at scale (docs/operations.md, "What a crash can leave
behind")."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PHASES = ("raw", "dbt", "publish", "report")
# columns a re-run writes anew (when it loaded, not what): left out of the content hashes
RUN_TIME_COLUMNS = ("_loaded_at", "loaded_at", "built_at", "_built_at")


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env"),
                "GX_ANALYTICS_ENABLED": "false", "PYTHONPATH": str(REPO)})
    return env


def start_step(phase: str, home: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.faults.step", phase], cwd=REPO,
                            env=env_for(home), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _ready(proc: subprocess.Popen, phase: str, timeout: float = 300) -> float:
    """Wait for the step's "ready" (imports done); the moment it came."""
    line = proc.stdout.readline() if proc.stdout else ""
    if line.strip() != "ready":
        proc.kill()
        rest = proc.communicate(timeout=timeout)[0] if proc.stdout else ""
        raise AssertionError(f"step {phase} did not start: {line}{rest[-3000:]}")
    return time.monotonic()


def run_step(phase: str, home: Path, timeout: float = 900) -> float:
    """The step to its end; the duration of its work (after its imports). A failing step is
    an error naming its output."""
    proc = start_step(phase, home)
    started = _ready(proc, phase)
    out, _ = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"step {phase} exited {proc.returncode}:\n{out[-3000:]}")
    return time.monotonic() - started


def kill_step(phase: str, home: Path, after: float) -> bool:
    """Start the step and SIGKILL its whole process group ``after`` seconds into its work;
    True if it was still running (False: it had finished — not a kill)."""
    proc = start_step(phase, home)
    try:
        _ready(proc, phase)
        # what it says after is read and dropped: a full pipe would stall it
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        proc.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def settings_of(home):
    """The settings of an embedded home at ``home`` (a Settings is taken as it is: a home on
    S3 needs its env file)."""
    from ioc_pipelines.settings import Settings, load_settings

    if isinstance(home, Settings):
        return home
    return load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env")})


def served_problems(home) -> list[str]:
    """What is wrong with what the home serves: the current release must attach and read
    fully, with the row counts its metadata records; release ids stay contiguous."""
    from ioc_pipelines.core import content
    from ioc_pipelines.core.publishing import list_releases

    settings = settings_of(home)
    problems = []
    releases = list_releases(settings)
    ids = [r.id for r in releases]
    if ids and ids != list(range(ids[0], ids[0] + len(ids))):
        problems.append(f"release ids are not contiguous: {ids}")
    if releases:
        current = releases[-1]
        read = content.release_content(settings, current.id)
        for name, rows in current.tables.items():
            if read.get(name, {}).get("rows") != rows:
                problems.append(f"release {current.id} table {name}: metadata says {rows} "
                                f"rows, reading it gives {read.get(name, {}).get('rows')}")
    return problems


def intake(home) -> dict:
    """The landing zone's files and the delivery records: a kill must lose or duplicate none."""
    from ioc_pipelines.resources.lakes import connect
    from ioc_pipelines.resources.object_store import object_store

    settings = settings_of(home)
    landing = sorted(o.key for o in object_store(settings).list(settings.work_bucket,
                                                                   "landing/"))
    with connect(settings) as con:
        rows = con.execute("SELECT delivery_id, count(*) FROM work.ops.deliveries "
                           "GROUP BY 1 ORDER BY 1").fetchall()
    return {"landing": landing, "deliveries": {d: n for d, n in rows}}


def outcome(phase: str, home: Path) -> dict:
    """What a finished step leaves, to compare with the uninterrupted run (content hashes
    with run-time columns left out; the report's bytes; releases and publish entries)."""
    from ioc_pipelines.core import audit, content
    from ioc_pipelines.core.publishing import list_releases
    from ioc_pipelines.resources.lakes import connect

    settings = settings_of(home)
    if phase in ("raw", "dbt"):
        schemas = ("raw",) if phase == "raw" else ("staging", "intermediate", "marts",
                                                   "validated")
        out = {}
        with connect(settings) as con:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = "
                "'work' AND schema_name IN (" + ", ".join(f"'{s}'" for s in schemas) + ") "
                "ORDER BY 1, 2").fetchall()
            for schema, table in tables:
                out[f"{schema}.{table}"] = content.table_content(
                    con, f'work."{schema}"."{table}"', exclude=RUN_TIME_COLUMNS)
        return out
    if phase == "publish":
        releases = list_releases(settings)
        return {"releases": len(releases),
                "content": content.release_content(settings, releases[-1].id),
                "publish_entries": sum(1 for _ in audit.entries(settings,
                                                                action="release.publish"))}
    from tests.faults.step import REPORT_PERIOD

    return {p.relative_to(settings.reports_dir).as_posix(): p.read_bytes()
            for p in sorted((settings.reports_dir / "briefing" / REPORT_PERIOD).rglob("*.html"))}


def delivery_rows(home: Path) -> dict[tuple[str, str], int]:
    """(raw table, delivery) -> rows: a delivery is in its raw tables whole or not at all."""
    from ioc_pipelines.resources.lakes import connect

    settings = settings_of(home)
    out = {}
    with connect(settings) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'work' AND "
            "schema_name = 'raw' ORDER BY 1").fetchall()]
        for table in tables:
            for delivery, rows in con.execute(
                    f'SELECT _delivery_id, count(*) FROM work.raw."{table}" GROUP BY 1'
                    ).fetchall():
                out[(table, delivery)] = rows
    return out


def half_done(phase: str, work: Path, expected: dict, reference: Path) -> list[str]:
    """What a kill must never leave, before anything runs again: a delivery half loaded
    into its raw tables, a report file that is not the whole report."""
    if phase == "raw":
        whole = delivery_rows(reference)
        return [f"delivery {d} has {n} of its {whole.get((t, d))} rows in raw.{t}"
                for (t, d), n in delivery_rows(work).items() if n != whole.get((t, d))]
    if phase == "report":
        return [f"report {name} is there but not whole" for name, data in
                outcome(phase, work).items() if data != expected.get(name)]
    return []


@dataclass
class PhaseResult:
    phase: str
    kills: int = 0
    finished_before_kill: int = 0
    failures: list[str] = field(default_factory=list)
    step_seconds: float = 0.0
    rows_lost: int = 0  # rows the re-runs hold fewer than the uninterrupted run, all kills


def rows_lost(phase: str, got: dict, expected: dict) -> int:
    """Rows of the uninterrupted run's tables that a re-run after a kill does not have."""
    if phase in ("raw", "dbt"):
        pairs = [(rows, (got.get(name) or (0, None))[0]) for name, (rows, _) in
                 expected.items()]
    elif phase == "publish":
        pairs = [(v["rows"] or 0, (got["content"].get(name) or {}).get("rows") or 0)
                 for name, v in expected["content"].items()]
    else:  # reports hold no rows: their bytes are compared
        return 0
    return sum(max(0, want - have) for want, have in pairs)


def reset(start: Path, work: Path) -> None:
    """A fresh copy of ``start`` at ``work`` (this process's pooled connections to the old
    copy's operational database closed first: they would read the deleted file)."""
    from ioc_pipelines.resources import appdb

    if work.exists():
        appdb.dispose(settings_of(work))
        shutil.rmtree(work)
    shutil.copytree(start, work, symlinks=True)


def _one_kill(phase: str, start: Path, work: Path, delay: float, before: dict,
              expected: dict, reference: Path) -> tuple[list[str], int] | None:
    """One kill from a fresh copy of ``start`` in ``work``: the problems found and the rows
    lost (None: the step had finished before its kill time)."""
    reset(start, work)
    if not kill_step(phase, work, delay):
        return None
    problems = served_problems(work) + half_done(phase, work, expected, reference)
    after = intake(work)
    if after["landing"] != before["landing"]:
        problems.append("landing files changed by the kill")
    duplicated = {d: n for d, n in after["deliveries"].items() if n > 1}
    lost = set(before["deliveries"]) - set(after["deliveries"])
    if duplicated or lost:
        problems.append(f"delivery records duplicated {duplicated} or lost {sorted(lost)}")
    try:
        run_step(phase, work)
    except AssertionError as exc:
        return [*problems, f"the re-run failed: {exc}"], 0
    problems += served_problems(work)
    got = outcome(phase, work)
    if got != expected:
        differing = sorted(k for k in set(got) | set(expected)
                           if got.get(k) != expected.get(k))
        problems.append(f"the re-run differs from an uninterrupted run: {differing}")
    return problems, rows_lost(phase, got, expected)


def exercise(phase: str, start: Path, scratch: Path, kills: int, *, seed: int = 0,
             workers: int = 2, log=lambda _line: None) -> PhaseResult:
    """``kills`` SIGKILLs of ``phase`` from the home ``start`` (never changed), each checked
    and re-run, ``workers`` at a time (each in its own copy); the failures found (empty:
    every invariant held)."""
    rng = random.Random(seed)
    result = PhaseResult(phase)
    reference = scratch / "reference"
    reset(start, reference)
    before = intake(reference)
    result.step_seconds = run_step(phase, reference)
    expected = outcome(phase, reference)
    lock = threading.Lock()
    delays = iter([rng.uniform(0.0, result.step_seconds) for _ in range(kills * 3)])

    def worker(number: int) -> None:
        while True:
            with lock:
                if result.kills + result.finished_before_kill >= kills * 3 or \
                        result.kills >= kills:
                    return
                delay = next(delays)
            found = _one_kill(phase, start, scratch / f"work-{number}", delay, before,
                              expected, reference)
            with lock:
                if found is None:
                    result.finished_before_kill += 1
                    continue
                if result.kills >= kills:
                    return
                problems, lost = found
                result.kills += 1
                result.rows_lost += lost
                label = f"{phase} kill {result.kills} at {delay:.2f} s"
                result.failures += [f"{label}: {p}" for p in problems]
            log(f"{label}: {'ok' if not problems else '; '.join(problems)}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
