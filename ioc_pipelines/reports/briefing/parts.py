"""What a briefing is made of: sections of cards, charts, tables and notes, whose cells carry
the figure as read from the mart (``data-value``: what the tests compare) beside its text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.periods import Period


@dataclass
class Cell:
    text: str
    value: object = None  # the figure as read from the mart (data-value: what tests compare)
    key: str | None = None
    css: str = ""


@dataclass
class Table:
    caption: str
    columns: list[tuple[str, bool]]  # (header, numeric)
    rows: list[list[Cell]]
    empty: str = "Không có số liệu trong kỳ."


@dataclass
class Card:
    label: str
    cell: Cell
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    marts: list[str]
    sources: list[str]
    cards: list[Card] = field(default_factory=list)
    charts: list[tuple[str, Markup]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedBriefing:
    kind: str
    period: Period
    release_id: int
    key: str  # object key of the HTML (the PDF beside it)
    html_path: Path
    pdf_path: Path | None
    figures: dict  # data-key → value, as printed
    notice: str | None = None  # why an older release was used (newest run did not publish)


def text(value) -> Cell:
    return Cell("" if value is None else str(value), value)


def num(value, key: str | None = None, decimals: int | None = None, css: str = "num") -> Cell:
    """A figure in Vietnamese format: whole numbers plain, others with one decimal (or
    ``decimals``); None is a dash."""
    if value is None:
        return Cell("—", None, key, css)
    v = float(value)
    d = decimals if decimals is not None else (0 if abs(v - round(v)) < 1e-9 else 1)
    return Cell(vi_format.number(v, d), value, key, css)


def pct(value_pct, key: str | None = None, css: str = "num") -> Cell:
    """A value already in percent (75.8) as '75,8%'."""
    if value_pct is None:
        return Cell("—", None, key, css)
    return Cell(vi_format.number(float(value_pct), 1) + "%", value_pct, key, css)


def share(value, key: str | None = None, css: str = "num") -> Cell:
    """A share (0.758) as '75,8%'."""
    return Cell(vi_format.percent(value), value, key, css)


def verdict(flag: bool | None, key: str) -> Cell:
    """*Chưa đạt* (red) / *Đạt* / — for an indicator's is_not_met."""
    if flag:
        return Cell("Chưa đạt", True, key, "bad")
    if flag is False:
        return Cell("Đạt", False, key, "ok")
    return Cell("—", None, key)


def month_vi(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def months_back(end_month: str, n: int) -> list[str]:
    """The ``n`` months ending with ``end_month`` (``YYYY-MM``), oldest first."""
    year, month = int(end_month[:4]), int(end_month[5:7])
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]
