"""The reference lists the project ships (the dbt seeds under ``seeds/reference``), read as
rows by the code that needs them outside dbt: the demo generator, the provider codes a
delivery may carry, the rules a rejection file explains."""

from __future__ import annotations

import csv
import functools

from ioc_pipelines.settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"
REFERENCE = SEEDS / "reference"


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with open(SEEDS / name, encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def read_reference(name: str) -> list[dict[str, str]]:
    """The rows of ``seeds/reference/<name>`` (a copy: callers may change them)."""
    return [dict(r) for r in _rows(f"reference/{name}")]


def quality_rules() -> dict[str, dict[str, str]]:
    """{rule id: its row of ``seeds/quality_rules.csv``}: principle, severity, source and
    the Vietnamese explanation and fix a provider is shown."""
    return {r["rule_id"]: dict(r) for r in _rows("quality_rules.csv")}
