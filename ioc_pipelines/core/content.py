"""What a release holds, as figures a machine can compare: each published table's row count
and a hash of its content that does not depend on row order (a restored home, a re-run after
a crash and an uninterrupted run compare by these — docs/operations.md)."""

from __future__ import annotations

from ioc_pipelines.core.publishing import get_release, quote_ident
from ioc_pipelines.resources.lakes import PUBLISHED, connect


def table_content(con, relation: str, *, exclude: tuple[str, ...] = ()) -> tuple[int, str]:
    """(rows, content hash) of a table: the sum of every row's hash over its columns (all but
    ``exclude``, e.g. run-time columns), so row order does not count and a repeated row does."""
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
               if r[0] not in exclude]
    if not columns:
        rows = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
        return int(rows), "0"
    hashed = ", ".join(quote_ident(c) for c in columns)
    rows, total = con.execute(
        f"SELECT count(*), coalesce(sum(hash({hashed})::HUGEINT), 0)::VARCHAR "
        f"FROM {relation}").fetchone()
    return int(rows), str(total)


def release_content(settings, release_id: int, tables: list[str] | None = None,
                    *, exclude: tuple[str, ...] = ()) -> dict[str, dict]:
    """{table: {"rows": n, "hash": h}} of a release (every table it lists by default)."""
    release = get_release(settings, release_id)
    if release is None:
        return {}
    names = sorted(tables if tables is not None else release.tables)
    out = {}
    with connect(settings, work=False, published=True, published_snapshot=release_id) as con:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'main'", [PUBLISHED]).fetchall()}
        for name in names:
            if name not in present:
                out[name] = {"rows": None, "hash": None}
                continue
            rows, digest = table_content(con, f"{PUBLISHED}.main.{quote_ident(name)}",
                                         exclude=exclude)
            out[name] = {"rows": rows, "hash": digest}
    return out
