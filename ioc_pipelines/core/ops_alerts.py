"""The watch: the operational alerts found by looking at the home — a delivery due soon, late
or missing (to the provider that owes it), a source stale past its contract's SLA (once per
staleness, not every minute), a candidate waiting for sign-off too long. (Alerts raised where
their fact happens — failed runs, indicators at publication — are ``event_alerts.py``.)

Every check here is a function of the home's state and the time, raising through
``core/alerts.py`` with a dedup key that names the fact (the period, the delivery the
staleness started after, the candidate), so looking every minute — from the Dagster sensors,
``ioc live`` or ``ioc alerts watch`` — raises each fact once. Thresholds and recipients are
the rules' entries in ``alert_rules.yml``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from ioc_pipelines.clock import TZ
from ioc_pipelines.core import alert_rules, alerts, state, vi_format
from ioc_pipelines.core.contracts import expectations, freshness_rules
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks.deliveries import Expectation, covered_periods, freshness

# the rules measured by looking at the home (the others are raised where their fact happens)
NEVER = "chưa bao giờ"
WATCHED = ("delivery_due", "delivery_late", "delivery_missing", "source_stale",
           "candidate_waiting")


@dataclass(frozen=True)
class WatchReport:
    checked: dict[str, int]  # rule -> facts found (raised now or before)
    raised: int


def _periods_due_between(exp: Expectation, first: date, last: date) -> list[tuple[date, date]]:
    """(period, due date) of every period of ``exp`` whose due date is in [first, last]."""
    period = first - timedelta(days=exp.due_days + 1)
    period = period.replace(day=1) if exp.every == "month" else period
    if exp.every == "month":  # a month's due date is in the next month
        period = (period - timedelta(days=1)).replace(day=1)
    found = []
    while exp.due_date(period) <= last:
        if exp.due_date(period) >= first:
            found.append((period, exp.due_date(period)))
        period = (period + timedelta(days=1) if exp.every == "day"
                  else (period + timedelta(days=32)).replace(day=1))
    return found


def _delivery_alerts(settings: Settings, con, rules: dict, today: date) -> list[alerts.Alert]:
    """Reminders before the due date, and late / missing after it, each to the provider
    that owes the delivery (and to whom the rule adds)."""
    due_rule, late_rule, missing_rule = (rules["delivery_due"], rules["delivery_late"],
                                         rules["delivery_missing"])
    before = int(due_rule.get("days_before", 3))
    remind = set(due_rule.get("cadences") or ["month"])
    late_back = int(late_rule.get("lookback_days", 7))
    missing_after = int(missing_rule.get("days_after", 7))
    missing_back = int(missing_rule.get("lookback_days", 31))
    link = f"{settings.live.portal_url}/due"
    found = []
    for exp in expectations():
        covered = (covered_periods(con, exp)
                   if state.work_table_exists(con, "raw", exp.table) else {})
        title = source_title(exp.source)
        # as the completeness check: nothing is late before the source's first delivery
        started = min((p for _, p in covered), default=None)
        first = today - timedelta(days=max(late_back, missing_after + missing_back))
        for period, due in _periods_due_between(exp, first, today + timedelta(days=before)):
            if today <= due and exp.every not in remind:
                continue
            if today > due and (started is None or period < started):
                continue
            label = exp.label(period)
            for provider in exp.providers_for(period):
                if (provider, period) in covered:
                    continue
                who = provider_name(settings, provider)
                what = f"{title}, kỳ {label}"
                key = f"{exp.source}|{provider}|{label}"
                overdue = (today - due).days
                if overdue <= 0:
                    when = "hôm nay" if overdue == 0 else f"còn {-overdue} ngày"
                    rule, subject, body = (
                        "delivery_due", f"Nhắc hạn nộp dữ liệu: {what} — hạn {vi_format.day(due)}",
                        f"{who} chưa nộp {what}. Hạn nộp {vi_format.day(due)} ({when}). Nộp qua "
                        "cổng dữ liệu của IOC hoặc vùng tiếp nhận.")
                elif missing_after <= overdue <= missing_after + missing_back:
                    rule, subject, body = (
                        "delivery_missing", f"Thiếu dữ liệu: {what} — quá hạn {overdue} ngày",
                        f"{who} vẫn chưa nộp {what} (hạn {vi_format.day(due)}, quá hạn {overdue} "
                        "ngày). Dữ liệu kỳ này đang thiếu trong kho dùng chung.")
                elif overdue <= late_back:
                    rule, subject, body = (
                        "delivery_late", f"Chậm nộp dữ liệu: {what} — hạn {vi_format.day(due)} đã qua",
                        f"{who} chưa nộp {what}; hạn nộp {vi_format.day(due)} đã qua {overdue} "
                        "ngày. Đề nghị nộp sớm.")
                else:
                    continue
                found.append(alerts.Alert(rule, f"{rule}|{key}", f"[IOC] {subject}", body,
                                          f"delivery/{key}", provider_code=provider, link=link))
    return found


def _stale_alerts(settings: Settings, con, now: datetime,
                  sources: set[str] | None = None) -> list[alerts.Alert]:
    """A source whose newest delivery (or record) is older than its SLA: one alert per
    staleness — the key is the delivery it started after, so it is raised again only after a
    new delivery came and went stale in turn. A source that never delivered is *missing*
    (the delivery rules), not stale."""
    found = []
    for rule in freshness_rules():
        if sources is not None and rule.source not in sources:
            continue
        if rule.table and not state.work_table_exists(con, "raw", rule.table):
            rule = replace(rule, table=None, data_column=None)
        measured = freshness(con, rule, now)
        last = measured["last_delivery_at"]
        if not measured["is_stale"] or last is None:
            continue
        ages = [a for a in (measured["delivery_age_hours"], measured["data_age_hours"])
                if a is not None]
        title = source_title(rule.source)
        found.append(alerts.Alert(
            "source_stale", f"source_stale|{rule.source}|{last:%Y-%m-%dT%H:%M:%S}",
            f"[IOC] Dữ liệu không còn mới: {title}",
            f"{title}: lần nộp gần nhất lúc {vi_format.moment(last, NEVER)}"
            + (f", bản ghi mới nhất lúc "
               f"{vi_format.moment(measured['newest_record_at'], NEVER)}"
               if measured["newest_record_at"] is not None else "")
            + f" — đã {vi_format.figure(max(ages))} giờ, quá thời hạn cam kết "
            f"{vi_format.figure(measured['sla_hours'], 2)} giờ.",
            f"source/{rule.source}", provider_code=_contract_provider(rule.source),
            link=f"{settings.live.portal_url}/due"))
    return found


def _contract_provider(source: str) -> str:
    from connectors import get_connector

    return get_connector(source).contract.provider


def _candidate_alerts(settings: Settings, con, rules: dict,
                      now: datetime) -> list[alerts.Alert]:
    hours = float(rules["candidate_waiting"].get("hours", 24))
    found = []
    for row in state.candidate_rows(con):
        created = row["created_at"]  # naive local time, as the work lake writes it
        waited = now.replace(tzinfo=None) - created
        if row["status"] != "waiting" or waited < timedelta(hours=hours):
            continue
        sources = ", ".join(source_title(s) for s in sorted(row["awaiting"])) or "—"
        found.append(alerts.Alert(
            "candidate_waiting", f"candidate_waiting|{row['candidate_id']}",
            f"[IOC] Bản phát hành dự kiến số {row['candidate_id']} chờ duyệt quá {hours:g} giờ",
            f"Bản phát hành dự kiến số {row['candidate_id']} (tạo lúc "
            f"{vi_format.moment(created, NEVER)}) "
            f"đã chờ tổ liên ngành duyệt {waited.total_seconds() / 3600:.0f} giờ. Dữ liệu "
            f"cần duyệt: {sources}. Trong lúc chờ, kho vẫn phục vụ bản phát hành trước.",
            f"candidate/{row['candidate_id']}",
            link=f"{settings.live.portal_url}/candidates/{row['candidate_id']}"))
    return found


def watch(settings: Settings, *, now: datetime | None = None,
          only: set[str] | None = None) -> WatchReport:
    """Look at the home now and raise what is due: delivery reminders, late and missing
    deliveries, stale sources, candidates waiting too long. ``only``: those rules."""
    unknown = sorted(set(only or ()) - set(WATCHED))
    if unknown:
        raise alert_rules.AlertRuleError(f"{unknown[0]} is not a rule the watch looks at ("
                                    f"{', '.join(WATCHED)})")
    now = (now or datetime.now(TZ)).astimezone(TZ)
    rules = alert_rules.rules(settings)
    wanted = set(only or WATCHED)
    found: list[alerts.Alert] = []
    with connect(settings) as con:
        state.ensure(con)
        if wanted & {"delivery_due", "delivery_late", "delivery_missing"}:
            found += _delivery_alerts(settings, con, rules, now.date())
        if "source_stale" in wanted:
            found += _stale_alerts(settings, con, now)
        if "candidate_waiting" in wanted:
            found += _candidate_alerts(settings, con, rules, now)
    found = [a for a in found if a.rule in wanted]
    checked: dict[str, int] = {}
    for alert in found:
        checked[alert.rule] = checked.get(alert.rule, 0) + 1
    return WatchReport(checked, alerts.raise_new(settings, found))


def stale_sources(settings: Settings, sources: set[str], *,
                  now: datetime | None = None) -> int:
    """Raise ``source_stale`` for those of ``sources`` that are stale now (a failed freshness
    check calls this: the alert is measured here, the same way as every minute's watch)."""
    now = (now or datetime.now(TZ)).astimezone(TZ)
    with connect(settings) as con:
        state.ensure(con)
        return alerts.raise_new(settings, _stale_alerts(settings, con, now, sources))
