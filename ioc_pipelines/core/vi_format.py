"""Numbers, shares, dates and the quality principles as a Vietnamese reader expects them, in one
place and through one maintained library (Babel, locale ``vi_VN``): ``1.234.567`` ·
``98,6%`` · ``05/10/2026`` · ``07:00 05/10/2026``; *đúng, đủ, sạch, sống*. Every report,
page, message and alert formats through here — no string replacement of marks elsewhere."""

from __future__ import annotations

from datetime import date, datetime

from babel.numbers import format_decimal, format_percent

from quality_checks import PRINCIPLES  # the four principles by their keys: đúng, đủ, sạch, sống

LOCALE = "vi_VN"
NONE = "—"



def number(value: float | int | None, decimals: int = 0) -> str:
    """1234567.5 -> '1.234.567,5' with exactly ``decimals`` decimals; None -> '—'."""
    if value is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def count(value: int | float | None) -> str:
    """A count: never with decimals ('12.345')."""
    return number(None if value is None else round(value), 0)


def figure(value: float | int | None, digits: int = 1, none: str = NONE) -> str:
    """A measured figure with up to ``digits`` decimals, trailing zeros dropped: 12 -> '12',
    2.50 -> '2,5'; None -> ``none``."""
    if value is None:
        return none
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(share: float | None, decimals: int = 1) -> str:
    """0.9856 -> '98,6%'; None -> '—'."""
    if share is None:
        return NONE
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return format_percent(share, format=pattern, locale=LOCALE)


def day(value: date | None) -> str:
    """A date as 05/10/2026."""
    return NONE if value is None else f"{value:%d/%m/%Y}"


def moment(value: datetime | None, none: str = NONE) -> str:
    """A time as 07:00 05/10/2026; None -> ``none``."""
    return none if value is None else f"{value:%H:%M %d/%m/%Y}"


def principle(key: str) -> str:
    """'correct' -> 'đúng' (an unknown key as it is)."""
    return PRINCIPLES.get(key, key)


# how often a source delivers, as contracts say it (``delivery.cadence``, ``expect.every``)
CADENCES = {"daily": "hằng ngày", "day": "hằng ngày", "weekly": "hằng tuần",
            "monthly": "hằng tháng", "month": "hằng tháng", "quarterly": "hằng quý",
            "yearly": "hằng năm", "on change": "khi có thay đổi",
            "on approval": "khi có quyết định phê duyệt"}


def cadence(key: str | None) -> str:
    """A contract's cadence in Vietnamese ("monthly" → "hằng tháng"); unknown: as written."""
    return CADENCES.get((key or "").strip().lower(), key or NONE)
