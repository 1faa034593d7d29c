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
