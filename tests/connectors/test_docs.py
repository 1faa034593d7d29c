"""docs/sources/<source>.md are generated from the contracts and must not drift from them."""

import pytest

from connectors import SOURCES
from connectors.docs import END, merged
from tests.connectors.helpers import REPO


@pytest.mark.parametrize("source", list(SOURCES))
def test_source_page_is_current(source):
    page = REPO / "docs" / "sources" / f"{source}.md"
    assert page.exists(), f"run `ioc docs` to create {page}"
    text = page.read_text(encoding="utf-8")
    assert END in text
    assert text == merged(source, text), f"{page.name} is out of date: run `ioc docs`"


def test_hand_written_notes_are_kept():
    text = merged("population", "old generated part\n" + END + "\n## Rules\nkeep me\n")
    assert text.endswith("## Rules\nkeep me\n") and text.count(END) == 1
