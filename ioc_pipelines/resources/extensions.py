"""DuckDB extensions from the PyPI ``duckdb-extension-*`` packages (never downloaded at run time).

``INSTALL '<file>'`` copies a packaged extension into DuckDB's extension directory, where the
Python API, dbt-duckdb and the plain ``duckdb`` CLI all find it, so analysts' one-liners work too.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

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


def install_extensions() -> list[str]:
    """Install every packaged extension into DuckDB's extension directory; return the new ones."""
    con = duckdb.connect()
    try:
        return ensure_extensions(con)
    finally:
        con.close()


def ensure_extensions(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> list[str]:
    """Install (once) and load the named extensions; return those newly installed."""
    wanted = list(EXTENSIONS) if names is None else names
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
