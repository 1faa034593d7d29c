"""Rewrite the two generated tables of docs/security.md (roles × permissions, routes ×
permission) from the code: `python tools/render_security_tables.py`. The authorization matrix
test fails when the docs and the code disagree."""

from __future__ import annotations

import re
from pathlib import Path

from ioc_pipelines.core.access import markdown_table
from ioc_pipelines.web.security import routes_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs" / "security.md"


def _replace(text: str, header: str, table: str) -> str:
    """``table`` in place of the table whose header row starts with ``header``."""
    pattern = re.compile(rf"^{re.escape(header)}.*\n(?:\|.*\n)*", re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"docs/security.md has no table starting {header!r}")
    return pattern.sub(lambda _m: table + "\n", text, count=1)


def main() -> None:
    text = DOCS.read_text(encoding="utf-8")
    text = _replace(text, "| permission | what it allows |", markdown_table())
    text = _replace(text, "| route | permission |", routes_markdown())
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
