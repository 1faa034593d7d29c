"""Benchmark: generating a demo province (figures only; never pass/fail on time).

    .venv/bin/python benchmarks/bench_demo.py --province laichau --scale 1 --months 12

Prints the machine, time per source, files, records and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from common import machine

from ioc_pipelines.demo import generate_province


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="laichau", choices=["laichau", "hungyen"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--out", help="keep the output here (default: a temporary folder)")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    print(machine())
    print(f"generating {args.province} scale {args.scale}, {args.months} months -> {out}")
    started = time.perf_counter()
    manifest = generate_province(out, province=args.province, scale=args.scale,
                                 months=args.months,
                                 log=lambda m: print(m, flush=True))
    seconds = time.perf_counter() - started
    files = len(manifest["deliveries"])
    records = sum(sum(d["rows"].values()) for d in manifest["deliveries"])
    size = sum(p.stat().st_size for p in (out / "landing").rglob("*") if p.is_file())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {seconds:.1f} s: {files} files, {records:,} records, {size / 1e6:,.0f} MB, "
          f"{len(manifest['defects']):,} defects, peak RSS {peak:,.0f} MB")
    print("counts: " + ", ".join(f"{k}={v:,}" for k, v in manifest["counts"].items()))
    if not args.out:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
