"""What the demo's periodic deliveries share: months, volumes, delivery days (late or missing
reports), and the departments that still use legacy fonts. Each source is a module of its
own (indicators, finance, enterprises, feedback, land_permits), across M months — with late and
missing deliveries and defects recorded in the truth manifest."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ioc_pipelines.core import vi_format

# Departments that still type reports in a legacy font, and the one sending CSV in TCVN3.
LEGACY_XLSX = {"SNNMT": "tcvn3", "SCT": "vni"}
LEGACY_CSV = {"CA": "tcvn3"}
GROUPS = {"KT": "KINH TẾ", "XH": "VĂN HÓA - XÃ HỘI", "MT": "TÀI NGUYÊN - MÔI TRƯỜNG"}


def months_before(as_of: date, count: int) -> list[date]:
    """The ``count`` full months before ``as_of``'s month, oldest first (first days)."""
    out, cursor = [], as_of.replace(day=1)
    for _ in range(count):
        cursor = (cursor - timedelta(days=1)).replace(day=1)
        out.append(cursor)
    return out[::-1]


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def volume(full: float, scale: float, minimum: int) -> int:
    return max(minimum, round(full * scale))


def delivery_day(rng: random.Random, period: date, deadline_day: int,
                  as_of: date) -> tuple[date, date] | None:
    """(delivered, due) for a period's report, None when it never came; most on time."""
    due = next_month(period).replace(day=deadline_day)
    roll = rng.random()
    if roll < 0.05:
        return None
    when = due - timedelta(days=rng.randint(0, 3)) if roll > 0.15 else \
        due + timedelta(days=rng.randint(2, 9))
    return (min(when, as_of), due) if when <= as_of or due <= as_of else None


def vi_number(value) -> str:
    """A number as Vietnamese departments type it: 1.234,5."""
    return vi_format.figure(value, 2, none="")
