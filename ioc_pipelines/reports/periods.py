"""Reporting periods of the briefings (kỳ báo cáo): a week, a month, a quarter, a half-year, a
year, or any range of days (ad hoc).

Written the way people type them: ``2026-W47`` (ISO week), ``2026-10``, ``2026-Q3``,
``2026-H1``, ``2026``, ``2026-03-01..2026-05-15``. A period knows its first and last day, the
months it touches (the departments report monthly), the same period one year earlier, and its
Vietnamese name ("Quý III/2026"). ``previous_period`` gives the period a schedule reports on:
the last one completed before a day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("weekly", "monthly", "quarterly", "half-year", "annual", "ad-hoc")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MAX_AD_HOC_DAYS = 3 * 366

PATTERNS = [
    ("weekly", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("monthly", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarterly", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half-year", re.compile(r"^(\d{4})-H([12])$")),
    ("annual", re.compile(r"^(\d{4})$")),
    ("ad-hoc", re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str
    code: str  # as typed, normalised: 2026-W47, 2026-10, 2026-Q3, 2026-H1, 2026, a..b
    start: date
    end: date  # inclusive

    @property
    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches, in order."""
        out, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def folder(self) -> str:
        """The period as a folder name (an ad-hoc range's '..' becomes '_')."""
        return self.code.replace("..", "_")

    @property
    def end_month(self) -> str:
        return f"{self.end.year:04d}-{self.end.month:02d}"

    @property
    def name_vi(self) -> str:
        if self.kind == "weekly":
            week = self.start.isocalendar()[1]
            return (f"Tuần {week}/{self.start.isocalendar()[0]} "
                    f"({self.start:%d/%m} – {self.end:%d/%m/%Y})")
        if self.kind == "monthly":
            return f"Tháng {self.start.month:02d}/{self.start.year}"
        if self.kind == "quarterly":
            return f"Quý {ROMAN[(self.start.month - 1) // 3 + 1]}/{self.start.year}"
        if self.kind == "half-year":
            return (f"6 tháng đầu năm {self.start.year}" if self.start.month == 1
                    else f"6 tháng cuối năm {self.start.year}")
        if self.kind == "annual":
            return f"Năm {self.start.year}"
        return f"Từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def last_year(self) -> Period:
        """The same period one year earlier (29 February becomes the 28th)."""
        def back(d: date) -> date:
            try:
                return d.replace(year=d.year - 1)
            except ValueError:
                return d.replace(year=d.year - 1, day=28)
        if self.kind == "weekly":
            iso = self.start.isocalendar()
            try:
                return parse_period(f"{iso[0] - 1}-W{iso[1]:02d}")
            except PeriodError:  # week 53 with no week 53 a year earlier
                return parse_period(f"{iso[0] - 1}-W52")
        if self.kind == "ad-hoc":
            return Period("ad-hoc", f"{back(self.start)}..{back(self.end)}", back(self.start),
                          back(self.end))
        code = str(self.start.year - 1) + self.code[4:]
        return parse_period(code)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))


def parse_period(text: str) -> Period:
    """A period as typed; a clear error for anything else (the text is not echoed raw)."""
    code = (text or "").strip().upper()
    for kind, pattern in PATTERNS:
        m = pattern.match(code)
        if not m:
            continue
        try:
            if kind == "weekly":
                year, week = int(m[1]), int(m[2])
                start = date.fromisocalendar(year, week, 1)
                return Period(kind, f"{year}-W{week:02d}", start, start + timedelta(days=6))
            if kind == "monthly":
                year, month = int(m[1]), int(m[2])
                return Period(kind, code, date(year, month, 1), _month_end(year, month))
            if kind == "quarterly":
                year, q = int(m[1]), int(m[2])
                return Period(kind, code, date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
            if kind == "half-year":
                year, h = int(m[1]), int(m[2])
                return Period(kind, code, date(year, 6 * h - 5, 1), _month_end(year, 6 * h))
            if kind == "annual":
                year = int(m[1])
                return Period(kind, code, date(year, 1, 1), date(year, 12, 31))
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError as exc:
            raise PeriodError(f"period {text[:40]!r} is not a real date range: {exc}") from None
        if end < start:
            raise PeriodError(f"period {text[:40]!r} ends before it starts")
        if (end - start).days > MAX_AD_HOC_DAYS:
            raise PeriodError(f"period {text[:40]!r} is longer than three years")
        return Period(kind, code, start, end)
    raise PeriodError(
        f"period {text[:40]!r} is not understood: write 2026-W47 (week), 2026-10 (month), "
        "2026-Q3 (quarter), 2026-H1 (half-year), 2026 (year) or 2026-03-01..2026-05-15")


def previous_period(kind: str, day: date) -> Period:
    """The last complete period of ``kind`` before ``day`` (what a schedule reports on)."""
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        iso = (monday - timedelta(days=7)).isocalendar()
        return parse_period(f"{iso[0]}-W{iso[1]:02d}")
    first = day.replace(day=1)
    last_month_end = first - timedelta(days=1)
    if kind == "monthly":
        return parse_period(f"{last_month_end:%Y-%m}")
    if kind == "quarterly":
        q = (day.month - 1) // 3  # quarters completed this year
        return parse_period(f"{day.year}-Q{q}" if q else f"{day.year - 1}-Q4")
    if kind == "half-year":
        return parse_period(f"{day.year}-H1" if day.month > 6 else f"{day.year - 1}-H2")
    if kind == "annual":
        return parse_period(str(day.year - 1))
    raise PeriodError(f"no previous period for kind {kind!r} (one of {', '.join(KINDS[:-1])})")
