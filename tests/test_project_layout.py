"""The project's rooms: no module over 300 lines, most far under; no code or doc that points
at files outside the repository."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("ioc_pipelines", "connectors", "quality_checks")
MAX_LINES = 300
MEDIAN_LINES = 100


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def oversized(paths: list[Path], root: Path = REPO, limit: int = MAX_LINES) -> list[str]:
    return [f"{p.relative_to(root)} ({_lines(p)} lines)" for p in paths if _lines(p) > limit]


def test_no_module_over_300_lines():
    assert not oversized(_modules()), "split these modules (a file is a room)"


def test_median_module_is_small():
    assert statistics.median(_lines(p) for p in _modules()) <= MEDIAN_LINES


def test_the_size_rule_names_the_module(tmp_path):
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 301)
    small = tmp_path / "small.py"
    small.write_text("x = 1\n")
    assert oversized([big, small], root=tmp_path) == ["big.py (301 lines)"]


OUTSIDE = re.compile(r"\b(DESIGN\.md|DOMAIN\.md|STYLE\.md|DEVELOPERS\.md)|\bissue \d+\b|"
                     r"\.\./shared/")


@pytest.mark.parametrize("folder", [*PACKAGES, "docs", "dbt_project/models",
                                    "dbt_project/macros", "dbt_project/tests", "tests",
                                    "benchmarks", "tools", "README.md"])
def test_nothing_points_outside_the_repository(folder):
    found = []
    for path in ((REPO / folder).rglob("*") if folder != "README.md" else [REPO / folder]):
        if path.suffix not in {".py", ".md", ".sql", ".yml", ".yaml", ".j2"} or path == Path(
                __file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:80]}")
    assert not found, "cite the project's own docs or the regulation instead"
