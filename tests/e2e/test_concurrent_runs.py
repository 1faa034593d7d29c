"""Two ``ioc run`` on one home: the second waits for the first (saying for whom) or, with
``--no-wait``, is refused at once with its own exit code — never a false gate block."""

from __future__ import annotations

import subprocess
import time

import pytest

from ioc_pipelines.core.lock import holder
from ioc_pipelines.settings import load_settings
from tests.conftest import BIN, REPO, clean_env, run_ioc
from tests.e2e.helpers import status

pytestmark = pytest.mark.slow


def _start(env, *args):
    return subprocess.Popen([str(BIN / "ioc"), *args], env=env, cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_second_run_waits_or_is_refused(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    run_ioc(env, "demo-data", "--people", "500", "--ingest", "--out", str(tmp_path / "demo"))
    settings = load_settings(env)

    first = _start(env, "run", "--no-demo", "--approve-by", "test")
    deadline = time.monotonic() + 120
    while (held := holder(settings)) is None:
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.2)
    assert held["purpose"] == "ioc run" and held["pid"] == first.pid

    refused = run_ioc(env, "run", "--no-demo", "--no-wait", check=False)
    assert refused.returncode == 3, refused.stderr
    assert "busy: ioc run by" in refused.stderr and f"pid {first.pid}" in refused.stderr
    assert "did not publish" not in refused.stdout + refused.stderr  # not a gate block
    approve = run_ioc(env, "approve", "1", "--by", "x", "--no-wait", check=False)
    assert approve.returncode == 3 and "busy: ioc run by" in approve.stderr

    second = _start(env, "run", "--no-demo", "--full")  # nothing new: --full builds anyway
    out1, err1 = first.communicate(timeout=900)
    out2, err2 = second.communicate(timeout=900)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2
    assert "waiting for ioc run by" in out2  # said while it waited
    for text in (out1, err1, out2, err2):
        assert "database is locked" not in text
    assert "Published release 1 " in out1 and "Published release 2 " in out2
    assert status(run_ioc, env)["release"] == 2
