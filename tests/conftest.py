"""Shared fixtures: every test gets its own IOC_HOME (state, catalogs, local object store)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The process environment with IOC_* replaced: IOC_HOME=home plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env"),
                "GX_ANALYTICS_ENABLED": "false"})
    env.update(extra)
    return env


def run_ioc(env: dict[str, str], *args: str, timeout: int = 600,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run the real `ioc` console command."""
    proc = subprocess.run([str(BIN / "ioc"), *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"ioc {' '.join(args)} exited {proc.returncode}\n"
                             f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}")
    return proc


@pytest.fixture
def ioc_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "ioc"
    for key in [k for k in os.environ if k.startswith("IOC_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("IOC_HOME", str(home))
    monkeypatch.setenv("IOC_ENV_FILE", str(tmp_path / "no.env"))
    return home
