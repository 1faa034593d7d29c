"""Benchmark: the whole main job on a generated province (figures only; never pass/fail).

    .venv/bin/python benchmarks/bench_pipeline.py --province hungyen --scale 1 --months 1

Runs the real `ioc run` (generator, landing, raw loads, dbt build of every layer with its
tests, GX, publish, report) in a fresh IOC_HOME and prints the machine, wall time, the dbt
build's own time, rows per layer and the peak memory of the processes.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine

REPO = Path(__file__).resolve().parents[1]
PROVINCES = {"laichau": "12", "hungyen": "33"}
TABLES = ["raw.population__citizens", "raw.households__households", "raw.housing__houses",
          "raw.iot__readings", "validated.citizens", "validated.rule_findings",
          "validated.quarantine_records", "validated.iot_readings_checked", "marts.iot_hourly",
          "marts.population_by_commune_sex_age", "marts.housing_support_map"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="laichau", choices=sorted(PROVINCES))
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--home", help="keep the IOC_HOME here (default: a temporary folder)")
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    print(machine())
    print(f"ioc run: {args.province} scale {args.scale}, {args.months} month(s), home {home}",
          flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(IOC_HOME=str(home), IOC_PROVINCE=PROVINCES[args.province],
               IOC_ENV_FILE=str(home / "no.env"))
    started = time.perf_counter()
    proc = subprocess.run([str(Path(sys.executable).with_name("ioc")), "run", "--scale",
                           str(args.scale), "--months", str(args.months),
                           "--approve-by", "benchmark"],
                          env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        sys.exit(f"ioc run failed ({proc.returncode})")
    dbt = re.search(r"Finished running .* in [^(]*\(([\d.]+)s\)", proc.stdout + proc.stderr)
    print(f"total {seconds:,.0f} s; dbt build {float(dbt.group(1)) if dbt else float('nan'):,.0f} s;"
          f" peak RSS of one process {peak:,.0f} MB")
    os.environ.update(env)
    from ioc_pipelines.resources.lakes import connect
    from ioc_pipelines.settings import load_settings
    with connect(load_settings(env)) as con:
        for name in TABLES:
            exact = con.execute(f"SELECT count(*) FROM work.{name}").fetchone()[0]
            print(f"  {name:<48} {exact:>12,} rows")
    if not args.home:
        shutil.rmtree(home)


if __name__ == "__main__":
    main()
