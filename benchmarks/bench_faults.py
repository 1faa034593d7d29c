"""Benchmark: crash safety under many kills — SIGKILL at random moments in each phase (raw
loads, the dbt build, the publish step, report rendering), the invariants checked after each
kill, the re-run compared with an uninterrupted run (figures only; never pass/fail on time).

    .venv/bin/python benchmarks/bench_faults.py [--kills 100] [--scale 0.002] [--phase P ...]

Prints, per phase: kills, steps that finished before their kill time (not counted), failures
(an invariant broken or a re-run that differs: 0 is the goal), rows lost (rows of the
uninterrupted run's tables a re-run does not have, over all kills: 0), the uninterrupted step's
duration and the phase's wall time; then the machine. The harness is tests/faults/harness.py
(docs/operations.md, "What a crash can leave behind").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import machine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.faults import harness, starts  # noqa: E402 - the repository root is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="kills per phase")
    parser.add_argument("--scale", default="0.002", help="demo scale (0.002 ≈ 1,000 people)")
    parser.add_argument("--phase", action="append", choices=harness.PHASES, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    phases = args.phase or list(harness.PHASES)
    root = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    print(machine())
    print(f"{args.kills} kills per phase, scale {args.scale}; homes under {root}", flush=True)
    started = time.monotonic()
    homes = starts.prepare_starts(root, scale=args.scale)
    print(f"start homes ready in {time.monotonic() - started:.0f} s", flush=True)
    rows = []
    for phase in phases:
        began = time.monotonic()
        result = harness.exercise(phase, homes[phase], root / f"scratch-{phase}", args.kills,
                                  seed=args.seed, log=lambda line: print(line, flush=True))
        rows.append((phase, result, time.monotonic() - began))
    print()
    print("| phase | kills | finished before the kill | failures | rows lost | "
          "step (uninterrupted) | wall |")
    print("|---|---|---|---|---|---|---|")
    for phase, result, wall in rows:
        print(f"| {phase} | {result.kills} | {result.finished_before_kill} | "
              f"{len(result.failures)} | {result.rows_lost:,} | {result.step_seconds:.1f} s | "
              f"{wall:.0f} s |")
    failures = [f for _p, r, _w in rows for f in r.failures]
    if failures:
        print("\nfailures:")
        for line in failures:
            print(f"- {line}")


if __name__ == "__main__":
    main()
