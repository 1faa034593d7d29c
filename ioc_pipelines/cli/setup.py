"""Set-up and engineers' tools: ``ioc setup``, ``ioc docs``, ``ioc dbt``, ``ioc sql``."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from ioc_pipelines.cli.output import OK, fail, say
from ioc_pipelines.core import query, tools
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.setup import setup
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    sub.add_parser("setup", help="install DuckDB extensions from PyPI packages, parse dbt"
                   ).set_defaults(func=cmd_setup)
    sub.add_parser("docs", help="regenerate docs/sources/<source>.md from the contracts"
                   ).set_defaults(func=cmd_docs)

    p = sub.add_parser("dbt", help="run dbt on the work lake with the pipeline's profile and "
                       "variables, e.g. `ioc dbt build --select marts`")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt command and options")
    p.set_defaults(func=cmd_dbt)

    p = sub.add_parser("sql", help="query the work and published lakes (engineers)")
    p.add_argument("query", help="e.g. \"SELECT source, status, count(*) FROM "
                   "work.ops.deliveries GROUP BY ALL\"")
    p.add_argument("--csv", action="store_true", help="CSV on stdout instead of a table")
    p.add_argument("--max-rows", type=int, default=40)
    p.set_defaults(func=cmd_sql)


def cmd_setup(settings: Settings, args) -> int:
    done = setup(settings)
    new = done.extensions_installed
    say(f"DuckDB extensions ready ({', '.join(new) + ' installed' if new else 'already installed'})")
    say(f"dbt project parsed: {done.manifest}")
    say(f"Dagster home: {done.dagster_home}")
    say(f"Operational database at revision {done.app_db_revision} (accounts, audit log, sharing, alerts)")
    return OK


def cmd_docs(settings: Settings, args) -> int:
    for page in tools.regenerate_source_docs():
        say(f"updated {page}")
    return OK


def cmd_dbt(settings: Settings, args) -> int:
    try:
        return tools.dbt(settings, args.dbt_args)
    except CoreError as exc:
        return fail(str(exc))


def cmd_sql(settings: Settings, args) -> int:
    """SQL against the work lake (``work.…``) and the published lake (``published.…``)."""
    try:
        result = query.sql(settings, args.query, max_rows=None if args.csv else args.max_rows)
    except CoreError as exc:
        return fail(str(exc))
    if result is None:
        return OK
    if args.csv:
        print(result.csv(), end="", flush=True)
        return OK
    table = Table(*[f"{c}\n{t}" for c, t in zip(result.columns, result.types, strict=True)])
    for row in result.rows:
        table.add_row(*["NULL" if v is None else str(v) for v in row])
    console = Console(width=200, highlight=False)
    console.print(table)
    if result.more:
        say(f"(first {args.max_rows} rows; --max-rows N shows more, --csv all)")
    return OK
