"""The reference lists the project ships (the dbt seeds under ``seeds/reference``), read as
rows by the code that needs them outside dbt: the demo generator, the provider codes a
delivery may carry."""

from __future__ import annotations

import csv
import functools

from ioc_pipelines.settings import DBT_PROJECT_DIR

REFERENCE = DBT_PROJECT_DIR / "seeds" / "reference"


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with open(REFERENCE / name, encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def read_reference(name: str) -> list[dict[str, str]]:
    """The rows of ``seeds/reference/<name>`` (a copy: callers may change them)."""
    return [dict(r) for r in _rows(name)]
