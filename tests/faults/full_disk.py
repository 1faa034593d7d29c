"""A full disk, for real: ``python -m tests.faults.full_disk START WORK`` mounts a small tmpfs
at WORK/disk (run it under ``unshare --mount``: the mount is private to it and gone when it
ends), copies the published home START onto it, fills the disk to a few MiB, runs
`ioc run --no-demo`, reads what is served, frees the space, runs again; prints what it saw as
JSON (tests/faults/test_kill_harness.py asserts on it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.faults.harness import env_for, intake, reset, served_problems, settings_of

LEFT_FREE = 2 << 20


def _ioc(home: Path, *args: str) -> dict:
    proc = subprocess.run([str(Path(sys.executable).with_name("ioc")), *args],
                          env=env_for(home), capture_output=True, text=True, timeout=1800,
                          cwd=Path(__file__).resolve().parents[2])
    return {"rc": proc.returncode, "stdout": proc.stdout[-4000:], "stderr": proc.stderr[-4000:]}


def _population(home: Path, release: int) -> dict:
    from ioc_pipelines.core import content

    return {name: value for name, value in
            content.release_content(settings_of(home), release).items()
            if name.startswith("population_")}


def scenario(start: Path, work: Path) -> dict:
    disk = work / "disk"
    disk.mkdir(parents=True, exist_ok=True)
    size = sum(p.stat().st_size for p in start.rglob("*") if p.is_file())
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size * 2 + (64 << 20)}", "tmpfs",
                    str(disk)], check=True)
    home = disk / "ioc"
    reset(start, home)
    before = intake(home)
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    subprocess.run(["fallocate", "-l", str(free - LEFT_FREE), str(filler)], check=True)
    out = {"full_run": _ioc(home, "run", "--no-demo", "--full"), "status": _ioc(home, "status")}
    out["served_when_full"] = served_problems(home)
    filler.unlink()
    # the work lake is opened read-write (it cannot be on a full disk): read once freed
    out["intake_same"] = intake(home) == before
    out["rerun"] = _ioc(home, "run", "--no-demo", "--full")
    out["served_after"] = served_problems(home)
    from ioc_pipelines.core.publishing import list_releases

    out["releases"] = [r.id for r in list_releases(settings_of(home))]
    out["population_same"] = _population(home, out["releases"][0]) == \
        _population(home, out["releases"][-1])
    return out


if __name__ == "__main__":
    print(json.dumps(scenario(Path(sys.argv[1]), Path(sys.argv[2]))))
