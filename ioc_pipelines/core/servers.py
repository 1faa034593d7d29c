"""Local servers of a home: SeaweedFS (S3 on 127.0.0.1) and the Dagster UI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.settings import REPO_ROOT, Settings, load_settings


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    pid: int
    env_file: Path
    buckets: tuple[str, str]
    started: bool


def _seaweed_dir(settings: Settings) -> Path:
    return settings.home / "seaweedfs"


def s3_up(settings: Settings, *, port: int | None = None) -> S3Server:
    """Start SeaweedFS for this home (or find it running), write the pipeline's settings for it
    (``seaweedfs/ioc.env``, private) and make both buckets."""
    from ioc_pipelines.resources import seaweedfs
    from ioc_pipelines.resources.object_store import object_store

    folder = _seaweed_dir(settings)
    server = seaweedfs.running(folder)
    started = server is None
    if server is None:
        server = seaweedfs.start(folder, published_bucket=settings.published_bucket,
                                 base_port=port)
    env = server.env(settings.work_bucket, settings.published_bucket)
    env_file = folder / "ioc.env"
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(f"{k}={v}\n" for k, v in env.items()))
    store = object_store(load_settings({**os.environ, **env}))
    for bucket in (settings.work_bucket, settings.published_bucket):
        store.ensure_bucket(bucket)
    return S3Server(server.endpoint, server.pid, env_file,
                    (settings.work_bucket, settings.published_bucket), started)


def s3_down(settings: Settings) -> bool:
    """Stop this home's SeaweedFS; False when it was not running."""
    from ioc_pipelines.resources import seaweedfs

    return seaweedfs.stop(_seaweed_dir(settings))


def dagster_ui(settings: Settings, *, port: int) -> int:
    """Run ``dagster dev`` on 127.0.0.1 with this home's instance until it ends or this
    process is told to stop: SIGTERM / SIGINT are passed on to it and its children (the
    webserver, the daemon, the code server), which are waited for."""
    from ioc_pipelines.resources.dagster_home import write_dagster_home
    from ioc_pipelines.resources.dbt import prepare_manifest

    prepare_manifest(settings)  # the code location loads from it and never parses itself
    home = write_dagster_home(settings)
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster")), "dev", "-w",
         str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "DAGSTER_HOME": str(home)}, start_new_session=True)

    def forward(signum, _frame):
        try:
            os.killpg(proc.pid, signum)
        except ProcessLookupError:
            pass

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        code = proc.wait()
        try:  # whatever dagster dev left behind in its group
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        return code
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


MQTT_USERS = ("ioc-live", "sensor")  # the live service, and devices / test publishers


def mqtt_broker_users(settings: Settings) -> dict[str, str]:
    """The development broker's accounts and their passwords (random, kept under
    ``$IOC_HOME/secrets``). Authenticated sessions matter: the broker keeps what arrives for
    a persistent session while ``ioc live`` is down (it drops anonymous sessions)."""
    import secrets as random_secrets

    path = settings.home / "secrets" / "mqtt-users.txt"
    users = {}
    if path.is_file():
        users = dict(line.split(":", 1) for line in path.read_text().split() if ":" in line)
    if set(users) != set(MQTT_USERS):
        users = {name: random_secrets.token_urlsafe(18) for name in MQTT_USERS}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}:{v}\n" for k, v in users.items()))
        path.chmod(0o600)
    return users


def mqtt_broker_config(settings: Settings, port: int) -> Path:
    """An amqtt configuration bound to 127.0.0.1:``port``, password-protected (argon2id)."""
    import yaml
    from argon2 import PasswordHasher

    folder = settings.home / "live"
    folder.mkdir(parents=True, exist_ok=True)
    passwords = folder / "amqtt-passwd"
    hasher = PasswordHasher()
    passwords.write_text("".join(f"{name}:{hasher.hash(pw)}\n"
                                 for name, pw in mqtt_broker_users(settings).items()))
    passwords.chmod(0o600)
    path = folder / f"amqtt-{int(port)}.yaml"
    path.write_text(yaml.safe_dump({
        "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{int(port)}"}},
        "plugins": {"amqtt.plugins.authentication.FileAuthPlugin":
                    {"password_file": str(passwords)}}}), encoding="utf-8")
    return path


def mqtt_url(settings: Settings, port: int, user: str = "ioc-live") -> str:
    """The IOC_MQTT_URL of the development broker for ``user``."""
    return f"mqtt://{user}:{mqtt_broker_users(settings)[user]}@127.0.0.1:{int(port)}"


def mqtt_broker_command(settings: Settings, port: int) -> list[str]:
    return [str(Path(sys.executable).with_name("amqtt")), "-c",
            str(mqtt_broker_config(settings, port))]


def mqtt_broker(settings: Settings, *, port: int) -> int:
    """Run a local MQTT broker (amqtt from PyPI) in the foreground until interrupted."""
    try:
        return subprocess.run(mqtt_broker_command(settings, port), check=False).returncode
    except KeyboardInterrupt:
        return 0
