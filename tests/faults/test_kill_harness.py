"""Crash safety, proven by killing: SIGKILL at random moments during the raw loads (5), the
dbt build (5), the publish step (20) and report rendering (5) of a small demo province; after
each kill the served release reads fully with the row counts its metadata records, release
ids stay contiguous, no landing file or delivery record is lost or duplicated, and the
re-run's result equals an uninterrupted run's (tests/faults/harness.py)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import clean_env, run_ioc
from tests.faults import harness

pytestmark = pytest.mark.slow
KILLS = {"raw": 5, "dbt": 5, "publish": 20, "report": 5}


@pytest.fixture(scope="module")
def starts(tmp_path_factory):
    """A home at the start of each phase: delivered (raw), checked and waiting for sign-off
    (dbt, publish), published (report)."""
    root = tmp_path_factory.mktemp("faults")
    home = root / "home" / "ioc"
    env = clean_env(home)
    run_ioc(env, "demo-data", "--scale", "0.002", "--months", "2", "--ingest")
    saved = {}

    def save(name: str, *phases: str) -> None:
        copy = root / f"start-{name}"
        shutil.copytree(home, copy, symlinks=True)
        for phase in phases:
            saved[phase] = copy

    save("delivered", "raw")
    proc = run_ioc(env, "run", "--no-demo", check=False)
    assert "waits for sign-off" in proc.stdout, proc.stdout[-3000:]
    save("waiting", "dbt", "publish")
    run_ioc(env, "approve", "1", "--by", "test")
    save("published", "report")
    return root, saved


@pytest.mark.parametrize("phase", list(KILLS))
def test_a_kill_leaves_nothing_half_done(starts, phase):
    root, saved = starts
    result = harness.exercise(phase, saved[phase], root / f"scratch-{phase}", KILLS[phase],
                              seed=len(phase))
    assert result.kills == KILLS[phase], result
    assert not result.failures, "\n".join(result.failures)
