"""The homes the fault-injection harness starts each phase from (tests/faults/harness.py):
a small demo province delivered, then run up to its sign-off, then published."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.faults.harness import REPO, env_for


def ioc(home: Path, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(Path(sys.executable).with_name("ioc")), *args], cwd=REPO,
                          env=env_for(home), capture_output=True, text=True, timeout=timeout)
    if proc.returncode not in (0, 1):
        raise AssertionError(f"ioc {' '.join(args)} exited {proc.returncode}:\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def prepare_starts(root: Path, *, scale: str, months: int = 2) -> dict[str, Path]:
    """A home at the start of each phase, kept under ``root``: delivered (raw), checked and
    waiting for sign-off (dbt, publish), published (report)."""
    home = root / "home" / "ioc"
    ioc(home, "demo-data", "--scale", scale, "--months", str(months), "--ingest")
    starts = {}

    def save(name: str, *phases: str) -> None:
        copy = root / f"start-{name}"
        shutil.copytree(home, copy, symlinks=True)
        for phase in phases:
            starts[phase] = copy

    save("delivered", "raw")
    proc = ioc(home, "run", "--no-demo")
    if "waits for sign-off" not in proc.stdout:
        raise AssertionError(f"the run did not stop for sign-off:\n{proc.stdout[-3000:]}")
    save("waiting", "dbt", "publish")
    ioc(home, "approve", "1", "--by", "harness")
    save("published", "report")
    return starts
