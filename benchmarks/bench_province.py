"""Benchmark: a province from landing to release, stage by stage (figures only; never
pass/fail).

    .venv/bin/python benchmarks/bench_province.py --province hungyen --scale 1 --months 1 \\
        --home /tmp/bench-hungyen [--again] [--new-day]

Generates the province's demo files into ``--home`` (or reuses them when the home already
has a landing zone), then runs the real ``ioc run --no-demo`` as a child process while a
sampler reads the CPU seconds and the resident memory of its whole process tree (dbt's
subprocesses included) five times a second. The run's own log gives each Dagster step's start
and end, so every step gets its wall and CPU seconds; the raw steps get their rows and rows
per CPU-second beside the reference — DuckDB's own CSV / JSON readers writing the same
landing files to Parquet, in this process. Also printed: the slowest dbt models (dbt's own
timings), the share of the run's wall time outside the steps (start-up, Dagster between
steps), peak memory; then the population path as a plain pandas + Great Expectations script
(``baseline_population.py``: same rules, suite and mart, its mart compared with the release's)
beside the project's raw load and models; and with ``--again`` the same figures for a second run with nothing new, with
``--new-day`` for a run after the newest IoT day (held back from the first) is delivered.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from common import machine

REPO = Path(__file__).resolve().parents[1]
PROVINCES = {"laichau": "12", "hungyen": "33"}
STEP = re.compile(r"^(\S+ \S+) DEBUG\s+(\S+) - \S+ - \d+ - (\S+) - "
                  r"(STEP_START|STEP_SUCCESS|STEP_FAILURE) ")
DBT_MODEL = re.compile(r"OK created sql \w+ model (\S+) .*?\[\w+ in ([\d.]+)s\]")
TICKS = os.sysconf("SC_CLK_TCK")


def tree_usage(root: int) -> tuple[float, float]:
    """(CPU seconds, resident MB) of ``root`` and its live descendants; children that ended
    count through their parents' cutime/cstime."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                stats[int(entry.name)] = fields
            except OSError:
                continue
    family, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, fields in stats.items():
            if int(fields[1]) == parent and pid not in family:
                family.add(pid)
                frontier.append(pid)
    cpu = rss = 0.0
    for pid in family & stats.keys():
        fields = stats[pid]
        cpu += sum(int(v) for v in fields[11:15]) / TICKS  # utime stime cutime cstime
        rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return cpu, rss


def run_sampled(cmd: list[str], env: dict) -> dict:
    """Run ``cmd``; sample its tree's CPU and memory; (timeline, output, wall, peak)."""
    started = time.time()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    timeline: list[tuple[float, float]] = []
    peak = [0.0]

    def sample():
        while proc.poll() is None:
            try:
                cpu, rss = tree_usage(proc.pid)
            except (OSError, IndexError, ValueError):
                continue
            timeline.append((time.time(), cpu))
            peak[0] = max(peak[0], rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    sampler.join()
    wall = time.time() - started
    return {"timeline": timeline, "output": output, "wall": wall, "peak_mb": peak[0],
            "rc": proc.returncode}


def cpu_at(timeline: list[tuple[float, float]], moment: float) -> float:
    before = [c for t, c in timeline if t <= moment]
    return max(before) if before else 0.0  # CPU only grows; a last sample may read 0


def steps_of(log: Path) -> list[dict]:
    """Each Dagster step of the run's log: job, step, start and end (epoch seconds)."""
    open_steps, out = {}, []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = STEP.match(line)
        if not m:
            continue
        at = datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if m[4] == "STEP_START":
            open_steps[(m[2], m[3])] = at
        elif (m[2], m[3]) in open_steps:
            out.append({"job": m[2], "step": m[3], "start": open_steps.pop((m[2], m[3])),
                        "end": at, "ok": m[4] == "STEP_SUCCESS"})
    return out


def loaded_rows(env: dict) -> dict[str, int]:
    """Records loaded into raw so far per source (the deliveries' row counts); nothing before
    the home's first run."""
    os.environ.update(env)
    from ioc_pipelines.resources.lakes import connect
    from ioc_pipelines.settings import load_settings

    try:
        with connect(load_settings(env)) as con:
            return dict(con.execute(
                "SELECT source, sum(row_count)::BIGINT FROM work.ops.deliveries "
                "WHERE status = 'loaded' GROUP BY 1").fetchall())
    except Exception:  # noqa: BLE001 - no work lake yet: nothing loaded
        return {}


def reference(home: Path) -> dict[str, tuple[int, float, float]]:
    """{source: (rows, CPU s, wall s)} of DuckDB reading its delimited and JSON Lines landing
    files and writing Parquet — the engine's own speed on the same bytes."""
    import duckdb

    out = {}
    landing = home / "store" / "ioc-work" / "landing"
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        csvs = sorted(str(p) for p in source_dir.rglob("*.csv"))
        jsonl = sorted(str(p) for p in source_dir.rglob("*.jsonl"))
        if not csvs and not jsonl:
            continue
        con = duckdb.connect()
        rows, wall, cpu = 0, 0.0, 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for n, (reader, files) in enumerate((("read_csv", csvs), ("read_json", jsonl))):
                if not files:
                    continue
                before, clock = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
                try:
                    con.execute(f"COPY (SELECT * FROM {reader}(?, union_by_name = true)) TO "
                                f"'{tmp}/{n}.parquet' (FORMAT parquet)", [files])
                    rows += con.execute(f"SELECT count(*) FROM '{tmp}/{n}.parquet'").fetchone()[0]
                except duckdb.Error as exc:
                    print(f"  reference {source_dir.name} {reader}: {str(exc)[:100]}")
                after = resource.getrusage(resource.RUSAGE_SELF)
                wall += time.perf_counter() - clock
                cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        con.close()
        out[source_dir.name] = (rows, cpu, wall)
    return out


def measured(label: str, cmd: list[str], env: dict, ref: dict | None) -> dict:
    """Run ``cmd`` sampled and print its figures; rows are those it loaded. Returns each
    step's CPU seconds and each dbt model's seconds."""
    before = loaded_rows(env)
    result = run_sampled(cmd, env)
    after = loaded_rows(env)
    return report(label, result, {s: n - before.get(s, 0) for s, n in after.items()}, ref)


def report(label: str, result: dict, rows: dict[str, int], ref: dict | None) -> dict:
    log_line = re.search(r"Full log: (\S+)", result["output"])
    steps = steps_of(Path(log_line[1])) if log_line else []
    timeline = result["timeline"]
    # the largest sample: one taken as the tree ends can read nothing
    run_cpu = max(c for _t, c in timeline) if timeline else float("nan")
    print(f"\n{label}: exit {result['rc']}, wall {result['wall']:,.1f} s, CPU {run_cpu:,.1f} s "
          f"(sampled tree), peak resident memory of the tree {result['peak_mb']:,.0f} MB")
    print(f"  {'job / step':<46} {'wall s':>8} {'CPU s':>8} {'rows':>12} {'rows/CPU-s':>11} "
          f"{'ref rows/CPU-s':>14} {'ratio':>6}")
    in_steps, step_cpu = 0.0, {}
    for s in steps:
        wall, cpu = s["end"] - s["start"], cpu_at(timeline, s["end"]) - cpu_at(timeline, s["start"])
        in_steps += wall
        step_cpu[s["step"]] = cpu
        source = s["step"].removeprefix("raw_") if s["step"].startswith("raw_") else None
        n = rows.get(source) if source else None
        speed = n / cpu if n and cpu > 0 else None
        ref_speed = None
        if ref and source in ref and ref[source][1] > 0:
            ref_speed = ref[source][0] / ref[source][1]
        print(f"  {s['job'][:20] + ' / ' + s['step']:<46.46} {wall:>8.1f} {cpu:>8.1f} "
              f"{n or '':>12} {f'{speed:,.0f}' if speed else '':>11} "
              f"{f'{ref_speed:,.0f}' if ref_speed else '':>14} "
              f"{f'{speed / ref_speed:.0%}' if speed and ref_speed else '':>6}"
              + ("" if s["ok"] else "  FAILED"))
    if steps:
        outside = result["wall"] - in_steps
        print(f"  outside the steps (start-up, definitions, between steps): {outside:,.1f} s "
              f"= {outside / result['wall']:.0%} of the wall time")
    models = {m: float(s) for m, s in DBT_MODEL.findall(
        Path(log_line[1]).read_text(encoding="utf-8", errors="replace") if log_line else "")}
    if models:
        slowest = sorted(models.items(), key=lambda kv: -kv[1])[:10]
        print("  slowest dbt models: " + ", ".join(f"{m} {s:.1f} s" for m, s in slowest))
    return {"steps": step_cpu, "models": models, "peak_mb": result["peak_mb"]}


POPULATION_MODELS = ("staging.stg_population__citizens", "validated.int_citizens_rule_checked",
                     "validated.citizens", "marts.population_by_commune_sex_age")


def baseline(home: Path, province: str, env: dict, run: dict) -> None:
    """The pandas + GX script doing the population path (baseline_population.py), beside the
    project's own: its raw step's CPU seconds and its four models' seconds in dbt."""
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "baseline_population.py"),
                          "--home", str(home), "--province", province], env=env, cwd=REPO,
                         capture_output=True, text=True)
    print(out.stdout.rstrip() or out.stderr[-2000:])
    found = re.search(r"CPU ([\d,.]+) s, wall [\d,.]+ s, peak resident memory ([\d,]+) MB",
                      out.stdout)
    raw = run["steps"].get("raw_population")
    models = [run["models"].get(m) for m in POPULATION_MODELS]
    if not found or raw is None or None in models:
        return
    script_cpu = float(found[1].replace(",", ""))
    script_mb = float(found[2].replace(",", ""))
    model_s = sum(models)
    # the models' seconds are dbt's wall time with two DuckDB threads: CPU is at most twice
    low, high = raw + model_s, raw + 2 * model_s
    print(f"  the project's population path: raw load {raw:,.1f} CPU-s + models "
          f"{model_s:,.1f} s in dbt (≤ 2 threads) = {low:,.0f}–{high:,.0f} CPU-s: "
          f"{script_cpu / high:.1f}–{script_cpu / low:.1f}× the script's speed; memory: "
          f"the whole run's peak {run['peak_mb']:,.0f} MB against the script's "
          f"{script_mb:,.0f} MB ({run['peak_mb'] / script_mb:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="laichau", choices=sorted(PROVINCES))
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--home", help="the IOC_HOME (reused when it has a landing zone)")
    parser.add_argument("--again", action="store_true",
                        help="then run once more with nothing new, and measure that run too")
    parser.add_argument("--new-day", action="store_true",
                        help="hold the newest IoT day back from the first run, then deliver it "
                        "and measure the run that follows (only what it feeds is rebuilt)")
    parser.add_argument("--duckdb-memory-mb", type=int,
                        help="IOC_DUCKDB_MEMORY_MB for the runs (default: the settings' 2048)")
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="ioc-bench-"))
    ioc = str(Path(sys.executable).with_name("ioc"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update(IOC_HOME=str(home), IOC_PROVINCE=PROVINCES[args.province],
               IOC_ENV_FILE=str(home / "no.env"))
    if args.duckdb_memory_mb:
        env["IOC_DUCKDB_MEMORY_MB"] = str(args.duckdb_memory_mb)
    print(machine())
    if not (home / "store" / "ioc-work" / "landing").is_dir():
        started = time.perf_counter()
        if not (home / "demo" / "landing").is_dir():  # else generated earlier, not delivered
            print(f"generating {args.province} scale {args.scale}, {args.months} month(s) "
                  f"into {home} …", flush=True)
            subprocess.run([ioc, "demo-data", "--province", args.province, "--scale",
                            str(args.scale), "--months", str(args.months), "--out",
                            str(home / "demo")], env=env, cwd=REPO, check=True,
                           capture_output=True)
        if args.new_day and not (home / "held").is_dir():  # the newest IoT day waits
            newest = max((home / "demo" / "landing" / "iot").iterdir())
            (home / "held" / "landing" / "iot").mkdir(parents=True)
            newest.rename(home / "held" / "landing" / "iot" / newest.name)
        deliver(home / "demo", env)
        print(f"  generated and delivered in {time.perf_counter() - started:,.0f} s")
    else:
        print(f"reusing the landing zone of {home}")
    size = sum(p.stat().st_size for p in (home / "store" / "ioc-work" / "landing").rglob("*")
               if p.is_file())
    print(f"landing files: {size / 2**20:,.0f} MiB")
    print("reference: DuckDB reading the same landing files to Parquet …", flush=True)
    ref = reference(home)
    for source, (rows, cpu, wall) in ref.items():
        print(f"  {source:<14} {rows:>12,} rows  {cpu:>7.1f} CPU-s  {wall:>6.1f} s  "
              f"{rows / cpu if cpu else float('nan'):>12,.0f} rows/CPU-s")
    print("ioc run --no-demo …", flush=True)
    cmd = [ioc, "run", "--no-demo", "--approve-by", "benchmark"]
    first = measured("ioc run", cmd, env, ref)
    if (home / "store" / "ioc-work" / "landing" / "population").is_dir():
        print("baseline: the population path as a pandas + Great Expectations script …",
              flush=True)
        baseline(home, PROVINCES[args.province], env, first)
    if args.again:
        print("ioc run again, nothing new …", flush=True)
        measured("ioc run, nothing new", cmd, env, None)
    if args.new_day and (home / "held").is_dir():
        print("a new IoT day delivered, then ioc run …", flush=True)
        deliver(home / "held", env)
        (home / "held").rename(home / "held-delivered")
        measured("ioc run, a new IoT day", cmd, env, None)


def deliver(folder: Path, env: dict) -> None:
    """Deliver a generated landing tree as the providers would (core.ingest.deliver_folder)."""
    subprocess.run([sys.executable, "-c", (
        "import sys; from pathlib import Path; from ioc_pipelines.core.actors import Actor; "
        "from ioc_pipelines.core.ingest import deliver_folder; "
        "from ioc_pipelines.settings import load_settings; "
        "deliver_folder(load_settings(), Path(sys.argv[1]), actor=Actor('benchmark'))"),
        str(folder)], env=env, cwd=REPO, check=True)


if __name__ == "__main__":
    main()
