"""Crash safety, proven by killing: SIGKILL at random moments during the raw loads (5), the
dbt build (5), the publish step (20) and report rendering (5) of a small demo province; after
each kill the served release reads fully with the row counts its metadata records, release
ids stay contiguous, no landing file or delivery record is lost or duplicated, and the
re-run's result equals an uninterrupted run's (tests/faults/harness.py; the same at scale:
benchmarks/bench_faults.py)."""

from __future__ import annotations

import pytest

from tests.faults import harness, starts

pytestmark = pytest.mark.slow
KILLS = {"raw": 5, "dbt": 5, "publish": 20, "report": 5}


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    return root, starts.prepare_starts(root, scale="0.002")


@pytest.mark.parametrize("phase", list(KILLS))
def test_a_kill_leaves_nothing_half_done(homes, phase):
    root, saved = homes
    result = harness.exercise(phase, saved[phase], root / f"scratch-{phase}", KILLS[phase],
                              seed=len(phase))
    assert result.kills == KILLS[phase], result
    assert not result.failures, "\n".join(result.failures)
    assert result.rows_lost == 0


def test_rows_lost_counts_what_a_rerun_lacks():
    expected = {"raw.a": (5, "x"), "raw.b": (2, "y")}
    assert harness.rows_lost("raw", {"raw.a": (3, "z"), "raw.b": (4, "w")}, expected) == 2
    assert harness.rows_lost("dbt", {}, expected) == 7
    published = {"content": {"t": {"rows": 10, "hash": "h"}}}
    assert harness.rows_lost("publish", {"content": {"t": {"rows": 9, "hash": "g"}}},
                             published) == 1
    assert harness.rows_lost("publish", published, published) == 0


def test_a_full_disk_is_named_and_the_release_stays_served(homes):
    """The home on a small tmpfs filled to 2 MiB: the run fails saying the disk is full, the
    release keeps being served whole, nothing delivered is lost; with space again the next
    run publishes (tests/faults/full_disk.py, in a private mount namespace)."""
    import json
    import os
    import subprocess
    import sys

    from tests.faults.harness import REPO, env_for

    root, saved = homes
    work = root / "full-disk"
    namespace = ["unshare", "--mount", "--propagation", "private"] + (
        [] if os.geteuid() == 0 else ["--map-root-user"])
    proc = subprocess.run([*namespace, sys.executable, "-m", "tests.faults.full_disk",
                           str(saved["report"]), str(work)], cwd=REPO, env=env_for(work),
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    full = seen["full_run"]
    assert full["rc"] == 1, full
    assert "the disk is full" in full["stderr"] + full["stdout"], full
    assert "Traceback" not in full["stderr"], full["stderr"]
    assert seen["status"]["rc"] == 0 and "Current release: 1 " in seen["status"]["stdout"]
    assert seen["served_when_full"] == [] and seen["intake_same"]
    assert seen["rerun"]["rc"] == 0, seen["rerun"]
    assert seen["served_after"] == [] and seen["releases"] == [1, 2]
    assert seen["population_same"]
