"""The door rule: the CLI parses, calls the core, prints — it never reaches a lake itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ioc_pipelines.cli import build_parser

CLI = Path(__file__).resolve().parents[3] / "ioc_pipelines" / "cli"
# what only the core (and the resources it uses) may import: a lake connection, DuckDB,
# Dagster, the object store, the report engines
FORBIDDEN = ("duckdb", "dagster", "ioc_pipelines.resources", "ioc_pipelines.reports",
             "ioc_pipelines.defs", "connectors", "quality_checks")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_no_cli_module_reaches_a_lake(module):
    bad = sorted(n for n in _imports(module)
                 if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))
    assert not bad, f"{module.name} imports {bad}: call ioc_pipelines.core instead"
    source = module.read_text(encoding="utf-8")
    assert "connect(" not in source and "execute(" not in source, module.name


def test_the_rule_sees_a_violation(tmp_path):
    # the check above can fail: a module that opens a lake is caught
    sample = tmp_path / "bad.py"
    sample.write_text("from ioc_pipelines.resources.lakes import connect\nimport duckdb\n")
    assert {"ioc_pipelines.resources.lakes", "duckdb"} <= _imports(sample)


def test_every_command_is_documented_in_help():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    assert set(commands) == {
        "setup", "docs", "dbt", "sql", "ingest", "demo-data", "run", "status", "releases",
        "publish", "approve", "reject", "report", "reports", "quality-report",
        "rejection-report", "up", "down", "ui", "serve", "accounts", "audit", "sharing",
        "live", "alerts", "backup", "restore", "maintain"}
    assert all(action.help for action in parser._subparsers._group_actions[0]._choices_actions)  # noqa: SLF001
    for name in ("run", "approve", "reject", "publish", "ingest"):
        assert "--no-wait" in commands[name].format_help(), name
    assert "3 home busy" in " ".join(parser.format_help().split())
