"""Alerts raised where their fact happens: a run that failed or that the gate stopped (from
``ioc run`` and the Dagster run-failure sensor), a new release with indicators *chưa đạt*
(from every publication). Each is raised once — its dedup key names the run, or the period
and the set of indicators — whoever sees it first; an alert that cannot be raised never
changes the outcome it reports (it is logged)."""

from __future__ import annotations

import hashlib
import logging

from ioc_pipelines.core import alerts, vi_format
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

log = logging.getLogger(__name__)


def run_failed(settings: Settings, *, run_id: str, job: str, failures: list[str],
               blocked: bool) -> bool:
    """A run that failed: ``run_blocked`` when the gate stopped the main job (the previous
    release is still served), else ``run_failed``. Raised once per run, whichever door or
    sensor saw it first."""
    listed = "\n".join(f"- {f}" for f in failures[:20]) or "- (Dagster không ghi lý do)"
    more = f"\n… và {len(failures) - 20} lỗi khác" if len(failures) > 20 else ""
    if blocked:
        alert = alerts.Alert(
            "run_blocked", f"run_blocked|{run_id}",
            f"[IOC] Lượt chạy bị dừng ở cổng kiểm tra: {len(failures)} kiểm tra chặn không đạt",
            "Lượt chạy chính " + run_id[:8] + " không được phát hành vì các kiểm tra chặn sau "
            "không đạt; kho vẫn phục vụ bản phát hành trước:\n" + listed + more
            + "\nXem báo cáo chất lượng của lượt chạy này để biết đơn vị nào cần sửa gì.",
            f"run/{run_id}", link=f"{settings.live.portal_url}/releases")
    else:
        alert = alerts.Alert(
            "run_failed", f"run_failed|{run_id}",
            f"[IOC] Công việc {job} thất bại",
            f"Lượt chạy {run_id[:8]} của công việc {job} thất bại:\n" + listed + more,
            f"run/{run_id}", link=f"{settings.live.portal_url}/releases")
    try:
        return alerts.raise_new(settings, [alert]) == 1
    except Exception:  # noqa: BLE001 - the run's outcome stands; the log says why no alert
        log.exception("no alert for the failed run %s", run_id)
        return False


def indicators_not_met(settings: Settings, release_id: int) -> bool:
    """After a publication: the indicators *chưa đạt* of the newest period in the release,
    one alert to the leadership. The key is the period and the set of indicators, so a
    re-publication of the same figures says nothing new."""
    from ioc_pipelines.core.publishing import release_table

    table = release_table("indicators_vs_plan", release_id)
    with connect(settings, work=False, published=True) as con:
        try:
            rows = con.execute(
                f"SELECT indicator_code, indicator_name, period, actual, cumulative, "
                f"plan_target, unit FROM {table} WHERE is_not_met "
                f"AND period = (SELECT max(period) FROM {table}) "
                "ORDER BY indicator_code").fetchall()
        except Exception as exc:  # noqa: BLE001 - a release without the mart says nothing
            if "does not exist" in str(exc) or "not found" in str(exc).lower():
                return False
            raise
    if not rows:
        return False
    period = rows[0][2]
    codes = ",".join(r[0] for r in rows)
    digest = hashlib.sha256(codes.encode()).hexdigest()[:16]
    lines = "\n".join(
        f"- {name} ({code}): kỳ này {_figure(actual, unit)}"
        + (f", lũy kế {_figure(cumulative, unit)}" if cumulative is not None else "")
        + f", kế hoạch năm {_figure(plan, unit)}"
        for code, name, _, actual, cumulative, plan, unit in rows)
    alert = alerts.Alert(
        "indicator_not_met", f"indicator_not_met|{period}|{digest}",
        f"[IOC] {len(rows)} chỉ tiêu chưa đạt kỳ {period}",
        f"Bản phát hành số {release_id}: {len(rows)} chỉ tiêu chưa đạt so với kế hoạch năm "
        f"(kỳ {period}):\n{lines}",
        f"release/{release_id}", link=f"{settings.live.portal_url}/releases")
    return alerts.raise_new(settings, [alert]) == 1


def _figure(value, unit: str | None) -> str:
    text = vi_format.figure(value, 2)
    return f"{text} {unit}" if unit and value is not None else text


def after_publication(settings: Settings, release_id: int) -> None:
    """What a new release raises; an alert that cannot be raised never undoes a
    publication (it is logged)."""
    try:
        indicators_not_met(settings, release_id)
    except Exception:  # noqa: BLE001 - the release stands; the log says why no alert
        log.exception("no indicator alert for release %s", release_id)
