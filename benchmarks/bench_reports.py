"""Benchmark: render every kind of briefing report from a release (figures only; never
pass/fail).

    .venv/bin/python benchmarks/bench_reports.py --home .ioc [--period 2026-10]

Needs an IOC_HOME with a published release (`ioc run` or bench_pipeline.py --home DIR).
Renders, each in its own `ioc report` process: the monthly, quarterly and annual briefing,
the quarterly operations report and three sector views (commune, radius, polygon), HTML and
PDF; prints the machine, seconds, peak RSS, sizes and PDF pages.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from common import machine

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    from ioc_pipelines.reports.periods import previous_period

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="IOC_HOME holding a release")
    parser.add_argument("--period", default=previous_period("monthly", date.today()).code)
    args = parser.parse_args()
    year = args.period[:4]
    quarter = f"{year}-Q{(int(args.period[5:7]) - 1) // 3 + 1}" if len(args.period) == 7 \
        else f"{year}-Q1"
    print(machine())
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(IOC_HOME=str(Path(args.home).resolve()),
               IOC_ENV_FILE=str(Path(args.home) / "no.env"))
    runs = [("briefing", args.period, []), ("briefing", quarter, []), ("briefing", year, []),
            ("operations", quarter, []),
            ("sector", args.period, ["--sector", "social_welfare", "--area", "commune:03388"]),
            ("sector", args.period, ["--sector", "environment", "--area",
                                     "radius:103.47,22.40,15"]),
            ("sector", args.period, ["--sector", "health", "--area", "polygon:POLYGON((103.3 "
                                     "22.3, 103.6 22.3, 103.6 22.5, 103.3 22.5, 103.3 22.3))"])]
    ioc = str(Path(sys.executable).with_name("ioc"))
    print(f"{'report':<34} {'seconds':>8} {'HTML KB':>8} {'PDF KB':>8} {'pages':>6}")
    for kind, period, extra in runs:
        started = time.perf_counter()
        proc = subprocess.run([ioc, "report", kind, "--period", period, *extra], env=env,
                              cwd=REPO, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            print(f"{kind} {period}: failed: {proc.stderr.strip()[-300:]}")
            continue
        html = Path(re.search(r"^release \d+: (.+)$", proc.stdout, re.M).group(1))
        pdf = Path(re.search(r"^PDF: (.+)$", proc.stdout, re.M).group(1))
        pages = re.search(r"Pages:\s+(\d+)", subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)
        label = f"{kind} {period} {extra[1] if extra else ''}"
        print(f"{label:<34} {seconds:>8.1f} {html.stat().st_size / 1024:>8.0f} "
              f"{pdf.stat().st_size / 1024:>8.0f} {pages.group(1) if pages else '?':>6}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of one process (incl. Chromium) {peak:,.0f} MB")


if __name__ == "__main__":
    main()
