"""SQL for engineers over the work lake (``work.…``) and the published lake (``published.…``,
read-only): checking deliveries, raw loads and the quarantine."""

from __future__ import annotations

from dataclasses import dataclass

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.reports.spreadsheet import csv_text
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple]  # at most ``max_rows`` (all with ``max_rows=None``)
    more: bool  # rows beyond ``max_rows`` were left out

    def csv(self) -> str:
        """The rows as CSV, every cell inert in a spreadsheet."""
        return csv_text(self.columns, self.rows, lineterminator="\n")


def sql(settings: Settings, query: str, *, max_rows: int | None = 40) -> QueryResult | None:
    """Run one query (None for a statement without a result); a SQL error is a CoreError
    carrying DuckDB's first line."""
    import duckdb

    from ioc_pipelines.resources.extensions import ensure_extensions
    from ioc_pipelines.resources.lakes import connect, init_lakes

    init_lakes(settings)  # a home with nothing run yet has empty lakes, not missing ones
    with connect(settings, published=True, published_read_only=True, typed_sql=True) as con:
        ensure_extensions(con, ["spatial"])  # geometry columns and ST_ functions
        try:
            rel = con.sql(query)
            if rel is None:
                return None
            columns, types = rel.columns, [str(t) for t in rel.types]
            rows = rel.fetchall() if max_rows is None else rel.fetchmany(max_rows + 1)
        except duckdb.Error as exc:
            raise CoreError(str(exc).splitlines()[0]) from exc
    more = max_rows is not None and len(rows) > max_rows
    return QueryResult(list(columns), types, rows[:max_rows] if more else rows, more)
