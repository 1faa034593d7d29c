"""Benchmark: sharing a release — a Delta Sharing read with the official client and downloads
of the largest shared table (figures only; never pass/fail on time).

    .venv/bin/python benchmarks/bench_sharing.py --home DIR

DIR is a home with a published release (e.g. `IOC_HOME=DIR ioc run --approve-by NAME`, a
Hưng Yên one for province-scale figures). Starts `ioc serve` on a free loopback port, makes an
agency account granted the largest shareable table, reads it through Delta Sharing in the
agency's Python (.venv-agency; first read makes the release's Parquet export, the second reuses
it), downloads it as Parquet and CSV, and prints rows/s, MB/s and the portal's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from common import machine, peak_rss_mb

from ioc_pipelines.core import accounts, datasets, grants, tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.publishing import current_release
from ioc_pipelines.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
AGENCY_PYTHON = REPO / ".venv-agency" / "bin" / "python"
READ = """
import sys, time, delta_sharing
started = time.perf_counter()
frame = delta_sharing.load_as_pandas(sys.argv[1] + "#ioc.published." + sys.argv[2])
print(len(frame), time.perf_counter() - started)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _agency(settings, table: str) -> str:
    """An agency account granted ``table`` (by default or by an approved request); its token."""
    name = "bench-" + secrets.token_hex(3)
    operator = Actor("bench")
    account = accounts.create(settings, operator, username=name, full_name="Benchmark",
                              unit="Cơ quan đo hiệu năng", role="agency",
                              password=secrets.token_urlsafe(16) + "9a")
    if table not in grants.grants(settings, account):
        asked = grants.request_dataset(settings, account.actor("cli"), account, table,
                                       purpose="benchmark", legal_basis="benchmark",
                                       period="all")
        grants.decide(settings, operator, asked.request_id, approve=True,
                      ends_on=date.today() + timedelta(days=1))
    return tokens.create(settings, operator, name, "benchmark", days=1)[0]


def _download(url: str, token: str) -> tuple[int, float]:
    started, size = time.perf_counter(), 0
    with httpx.stream("GET", url, headers={"Authorization": f"Bearer {token}"},
                      timeout=3600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
    return size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("--table", help="default: the largest shareable table of the release")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env["IOC_HOME"] = str(args.home.resolve())
    env["IOC_SHARING_RATE"] = "100000"
    settings = load_settings({k: v for k, v in env.items() if k.startswith("IOC_")})
    release = current_release(settings)
    if release is None:
        sys.exit(f"{args.home} has no published release: run `ioc run` there first")
    shareable = datasets.all_datasets()
    table = args.table or max((n for n in release.tables if n in shareable),
                              key=lambda n: release.tables[n])
    rows = release.tables[table]
    print(machine())
    print(f"release {release.id}: {table}, {rows:,} rows")
    token = _agency(settings, table)
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="bench-portal-", suffix=".log")[1])
    portal = subprocess.Popen([str(Path(sys.executable).parent / "ioc"), "serve", "--port",
                               str(port)], env=env, cwd=REPO, stdout=log.open("w"),
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        profile = Path(tempfile.mkstemp(suffix=".share")[1])
        profile.write_text(json.dumps({"shareCredentialsVersion": 1,
                                       "endpoint": f"{url}/delta-sharing",
                                       "bearerToken": token}))
        for label in ("first read (makes the export)", "second read (export reused)"):
            out = subprocess.run([str(AGENCY_PYTHON), "-c", READ, str(profile), table],
                                 capture_output=True, text=True, check=True, timeout=7200)
            got, seconds = out.stdout.split()
            print(f"delta sharing, {label}: {int(got):,} rows in {float(seconds):.1f} s "
                  f"= {int(got) / float(seconds):,.0f} rows/s")
        for fmt in ("parquet", "csv"):
            size, seconds = _download(f"{url}/api/v1/datasets/{table}.{fmt}", token)
            print(f"download {fmt} (first: made, then streamed): {size / 1e6:,.1f} MB in "
                  f"{seconds:.1f} s = {size / 1e6 / seconds:,.1f} MB/s, "
                  f"{rows / seconds:,.0f} rows/s")
            size, seconds = _download(f"{url}/api/v1/datasets/{table}.{fmt}", token)
            print(f"download {fmt} (again, from disk): {size / 1e6 / seconds:,.1f} MB/s")
        print(f"portal peak RSS {peak_rss_mb(portal.pid):,.0f} MB")
    finally:
        portal.terminate()
        portal.wait(20)


if __name__ == "__main__":
    main()
