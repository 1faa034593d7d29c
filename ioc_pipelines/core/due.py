"""What a provider owes: per source its contract expects from the provider, the cadence, the
next deadlines (and whether that period already came), and how the past periods went — on
time, late or missing, as the last run measured them (``work.ops.delivery_completeness``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ioc_pipelines.clock import today
from ioc_pipelines.core import state, vi_format
from ioc_pipelines.core.contracts import expectations
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks.deliveries import covered_periods, upcoming_due


@dataclass
class Obligation:
    source: str
    provider: str
    cadence: str  # Vietnamese
    due_days: int
    upcoming: list[dict] = field(default_factory=list)  # period, due_date, delivered_on
    past: list[dict] = field(default_factory=list)  # period, due_date, status, first_delivery


def obligations(settings: Settings, providers: tuple[str, ...] | None, *,
                on: date | None = None) -> list[Obligation]:
    """The deliveries ``providers`` owe (None: every provider a contract expects), source by
    source."""
    on = on or today()
    if providers is None:
        providers = tuple(sorted({p for e in expectations() for p in e.providers}
                                 | {p for e in expectations()
                                    for month in e.providers_by_month.values() for p in month}))
    found = []
    with connect(settings) as con:
        state.ensure(con)
        measured = _measured(con)
        for exp in expectations():
            mine = [p for p in providers
                    if p in exp.providers or any(p in v for v in exp.providers_by_month.values())]
            covered = (covered_periods(con, exp)
                       if mine and state.work_table_exists(con, "raw", exp.table) else {})
            for provider in mine:
                item = Obligation(exp.source, provider, vi_format.cadence(exp.every), exp.due_days)
                came_on = {exp.label(period): d for (p, period), d in covered.items()
                           if p == provider}
                for label, due in upcoming_due(exp, on):
                    came = came_on.get(label)
                    item.upcoming.append({"period": label, "due_date": due, "delivered_on": came})
                item.past = [r for r in measured
                             if r["source"] == exp.source and r["provider"] == provider][-12:]
                found.append(item)
    return found


def _measured(con) -> list[dict]:
    try:
        rows = state.measurements(con, "delivery_completeness")
    except Exception as exc:  # noqa: BLE001 - no run has measured yet
        if "does not exist" in str(exc):
            return []
        raise
    return sorted(rows, key=lambda r: (r["source"], r["provider"], str(r["due_date"])))
