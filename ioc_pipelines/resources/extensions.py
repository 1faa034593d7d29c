"""DuckDB extensions from the PyPI ``duckdb-extension-*`` packages (never downloaded at run time).

``INSTALL '<file>'`` copies a packaged extension into DuckDB's extension directory, where the
Python API, dbt-duckdb and the plain ``duckdb`` CLI all find it, so analysts' one-liners work too.

DuckDB checks an extension's signature on every LOAD into every new database: 0.2–0.4 CPU-s
for the lakes' three extensions, on each of the hundred connections a run opens (a quarter of
a small province's run). The pipeline's own connections (``CHECKED_ONCE``) check each packaged
file once per process instead — against the SHA-256 pip recorded when it installed the wheel,
whose version requirements.lock pins — and load it by path with DuckDB's check off.
Connections that run SQL typed by a person (``ioc sql``) keep DuckDB's check.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
import importlib.metadata
from pathlib import Path

import duckdb

# how the pipeline's own connections are opened: extensions loaded from files checked here
CHECKED_ONCE = {"allow_unsigned_extensions": "true"}

# extension name -> PyPI module shipping it
EXTENSIONS = {
    "ducklake": "duckdb_extension_ducklake",
    "httpfs": "duckdb_extension_httpfs",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "spatial": "duckdb_extension_spatial",
}


class ExtensionMissing(RuntimeError):
    pass


def _packaged_file(name: str) -> Path:
    module = importlib.import_module(EXTENSIONS[name])
    version = duckdb.__version__
    path = Path(module.__file__).parent / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissing(
            f"{EXTENSIONS[name]} has no build of {name} for duckdb {version}: pin the "
            f"duckdb-extension-* packages to the duckdb version (see pyproject.toml)"
        )
    return path


@functools.cache
def _checked_file(name: str) -> Path:
    """The packaged extension, once its bytes are those pip installed from the wheel."""
    path = _packaged_file(name)
    distribution = EXTENSIONS[name].replace("_", "-")
    recorded = [f for f in importlib.metadata.files(distribution) or ()
                if f.hash is not None and f.locate().resolve() == path.resolve()]
    if not recorded or recorded[0].hash.mode != "sha256":
        raise ExtensionMissing(f"{path} is not in {distribution}'s record of installed files: "
                               "reinstall it (make setup)")
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    if base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode() != recorded[0].hash.value:
        raise ExtensionMissing(f"{path} differs from the file {distribution} installed: "
                               "reinstall it (make setup)")
    return path


def install_extensions() -> list[str]:
    """Install every packaged extension into DuckDB's extension directory; return the new ones."""
    con = duckdb.connect()
    try:
        return ensure_extensions(con)
    finally:
        con.close()


def ensure_extensions(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> list[str]:
    """Load the named extensions: from their checked packaged files on a connection opened
    with ``CHECKED_ONCE``, else installed (once) and loaded with DuckDB's own check. Return
    those newly installed."""
    wanted = list(EXTENSIONS) if names is None else names
    if con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0]:
        for name in wanted:
            path = str(_checked_file(name)).replace("'", "''")  # a venv's path is not SQL
            con.execute(f"LOAD '{path}'")
        return []
    installed = {
        row[0]
        for row in con.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE installed"
        ).fetchall()
    }
    new = []
    for name in wanted:
        if name not in installed:
            con.execute(f"INSTALL '{_packaged_file(name)}'")
            new.append(name)
        con.execute(f"LOAD {name}")
    return new
