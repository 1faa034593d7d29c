"""Launch the main job through the running Dagster webserver (GraphQL, as the UI does) and see
it succeed: `ioc ui` = `dagster dev` with the instance under $IOC_HOME/dagster."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from ioc_pipelines.core import audit
from ioc_pipelines.settings import load_settings
from tests.conftest import BIN, REPO, clean_env, run_ioc
from tests.e2e.helpers import status

pytestmark = pytest.mark.slow

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""
STATUS = """
query Status($runId: ID!) {
  runOrError(runId: $runId) { __typename ... on Run { status } }
}"""
# the runs the UI lists on the job's page
JOB_RUNS = """
query JobRuns($selector: PipelineSelector!) {
  pipelineOrError(params: $selector) {
    __typename
    ... on Pipeline { runs(limit: 20) { runId tags { key value } } }
  }
}"""


def _dagster_processes(home) -> list[int]:
    """Processes whose environment points at this home's Dagster instance."""
    marker = f"DAGSTER_HOME={home / 'dagster'}".encode()
    found = []
    for proc in os.listdir("/proc"):
        if not proc.isdigit():
            continue
        try:
            with open(f"/proc/{proc}/environ", "rb") as fh:
                if marker in fh.read().split(b"\0"):
                    found.append(int(proc))
        except OSError:
            continue
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str, variables: dict) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
        body = json.loads(resp.read())
    assert "errors" not in body, body
    return body["data"]


def test_run_launched_from_the_webserver_succeeds(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    # land demo data so the launched run has something to publish
    run_ioc(env, "demo-data", "--people", "600", "--ingest", "--out", str(tmp_path / "demo"))
    port = _free_port()
    # the UI's output goes to a file: an unread pipe fills up and blocks the run's logging
    log = tmp_path / "ui.log"
    ui = subprocess.Popen([str(BIN / "ioc"), "ui", "--port", str(port)], env=env, cwd=REPO,
                          stdout=log.open("w"), stderr=subprocess.STDOUT, text=True,
                          start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert ui.poll() is None, log.read_text()[-3000:]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, "webserver did not start"
                time.sleep(1)
        params = {"selector": {"repositoryLocationName": "ioc",
                               "repositoryName": "__repository__",
                               "jobName": "ioc_main_job"},
                  # sign off in the launchpad config, as an approver would
                  "runConfigData": {"ops": {"published__release": {
                      "config": {"approved_by": "UI test"}}}}}
        launched = _graphql(port, LAUNCH, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        # the UI's run holds the home's lock like a command does: `ioc run --no-wait` is
        # refused meanwhile, naming it
        lock_file = home / "ioc.lock"
        deadline = time.monotonic() + 180
        while run_id[:8] not in (lock_file.read_text() if lock_file.exists() else ""):
            assert time.monotonic() < deadline, "the UI's run never took the home's lock"
            time.sleep(0.2)
        refused = run_ioc(env, "run", "--no-demo", "--no-wait", check=False)
        assert refused.returncode == 3, refused.stderr
        assert f"Dagster run {run_id[:8]} of ioc_main_job by Dagster UI" in refused.stderr
        deadline = time.monotonic() + 420
        state = None
        while time.monotonic() < deadline:
            state = _graphql(port, STATUS, {"runId": run_id})["runOrError"]["status"]
            if state in {"SUCCESS", "FAILURE", "CANCELED"}:
                break
            time.sleep(2)
        assert state == "SUCCESS", log.read_text()[-3000:]
        st = status(run_ioc, env)
        assert st["release"] is not None and st["run_id"] == run_id
        # the UI's run is in the audit log like a command's: started, finished, published
        audited = [(e["action"], e["actor"], e["via"], e["outcome"])
                   for e in audit.entries(load_settings(env))
                   if json.loads(e["detail"]).get("run_id") == run_id]
        assert audited == [("run.start", "Dagster UI", "dagster", "ok"),
                           ("release.publish", "Dagster UI", "dagster", "ok"),
                           ("run.finish", "Dagster UI", "dagster", "ok")], audited

        # a run started by `ioc run` is a run of the `ioc` code location: listed on the job's
        # page with who started it and what it came to
        run_ioc(env, "run", "--no-demo", "--full")
        cli_run = status(run_ioc, env)["last_run"]["run_id"]
        selector = {"repositoryLocationName": "ioc", "repositoryName": "__repository__",
                    "pipelineName": "ioc_main_job"}
        job = _graphql(port, JOB_RUNS, {"selector": selector})["pipelineOrError"]
        listed = {r["runId"]: {t["key"]: t["value"] for t in r["tags"]} for r in job["runs"]}
        assert {run_id, cli_run} <= set(listed)
        assert listed[cli_run]["ioc/outcome"] == "published"
        assert listed[cli_run]["ioc/via"] == "cli" and listed[cli_run]["ioc/actor"]
    finally:
        # SIGTERM to `ioc ui` alone: it passes it on to dagster dev and its children
        ui.terminate()
        try:
            ui.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while _dagster_processes(home) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _dagster_processes(home)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left running after `ioc ui` was stopped: {left}"
    assert (home / "dagster" / "storage").is_dir()  # the instance lives under IOC_HOME
