"""A refused request says why on stderr with exit code 2 — also from the commands that
capture their output while they work (run, approve) — and nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import clean_env, run_ioc


@pytest.mark.parametrize(("args", "reason"), [
    (["approve", "7", "--by", "Lê Văn C"], "candidate 7 does not exist"),
    (["reject", "7", "--by", "x", "--reason", "y"], "candidate 7 does not exist"),
    (["publish", "--release", "7", "--by", "x"], "release 7 does not exist"),
    (["ingest", "weather", "x.csv"], "unknown source 'weather'"),
    (["report", "briefing", "--period", "2026-13", "--no-pdf"], "period '2026-13'"),
])
def test_refusal_is_said_on_stderr(tmp_path, args, reason):
    proc = run_ioc(clean_env(tmp_path / "ioc"), *args, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"ioc: error: {reason}" in proc.stderr
    assert "Traceback" not in proc.stderr
