"""SQL that runs at render time lives in ``.sql`` files beside the report code, named by what
they select. A file names its tables and render-time filters with placeholders
``{kind:name}`` (``{m:population_by_commune}``, ``{work:ops.deliveries}``, ``{filter:area}``)
that the report fills for the release, snapshot or area it is about; values are DuckDB named
parameters (``$months``). Rows come back as dicts: a column is read by its name."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

PLACEHOLDER = re.compile(r"\{([a-z]+):([a-z_][a-z0-9_.]*)\}")
PARAMETER = re.compile(r"\$([a-z_]+)")


@cache
def read(folder: Path, name: str) -> str:
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def fill(sql: str, resolve: Callable[[str, str], str]) -> str:
    """``sql`` with each ``{kind:name}`` replaced by ``resolve(kind, name)``."""
    return PLACEHOLDER.sub(lambda m: resolve(*m.groups()), sql)


def rows(con, sql: str, params: dict | None = None) -> list[dict]:
    """Run ``sql`` binding the named parameters it uses (DuckDB refuses unused ones)."""
    used = set(PARAMETER.findall(sql))
    cursor = con.execute(sql, {k: v for k, v in (params or {}).items() if k in used})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
