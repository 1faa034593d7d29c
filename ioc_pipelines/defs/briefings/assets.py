"""Briefing reports as assets, made on a schedule from the release that passed the gate.

``reports/briefing`` (socio-economic), ``reports/operations`` (the IOC's own), and
``reports/sector`` (one sector for an area; from the launchpad). Each reads the current
release — a release exists only when the gate passed — and when the newest run was blocked
or its candidate rejected or waiting, says on the first page that it used the latest good
release. Schedules (``jobs.py`` beside this module) pick the period that just ended.
"""


import dagster as dg
from pydantic import Field

from ioc_pipelines import clock
from ioc_pipelines.reports.areas import AreaError, parse_area
from ioc_pipelines.reports.briefing import render_report
from ioc_pipelines.reports.periods import PeriodError, parse_period, previous_period
from ioc_pipelines.reports.rendering import ReportError
from ioc_pipelines.settings import Settings

BRIEFING = dg.AssetKey(["reports", "briefing"])
OPERATIONS = dg.AssetKey(["reports", "operations"])
SECTOR = dg.AssetKey(["reports", "sector"])
RELEASE = dg.AssetKey(["published", "release"])


class ReportConfig(dg.Config):
    period: str = Field(default="", description="2026-W47, 2026-10, 2026-Q3, 2026-H1, 2026 or "
                        "2026-03-01..2026-05-15; empty: the last complete period of "
                        "period_kind (schedules set it)")
    period_kind: str = Field(default="monthly", description="weekly, monthly, quarterly, "
                             "half-year or annual (when period is empty)")
    release: int = Field(default=0, description="release to read; 0: the current one")
    sector: str = Field(default="", description="sector view only: health, education, "
                        "transport, environment, public_order, social_welfare")
    area: str = Field(default="", description="sector view only: commune:03388, "
                      "radius:LON,LAT,KM or polygon:POLYGON((…))")


def _materialize(kind: str, context: dg.AssetExecutionContext, config: ReportConfig,
                 settings: Settings) -> dg.MaterializeResult:
    try:
        period = (parse_period(config.period) if config.period
                  else previous_period(config.period_kind, clock.today()))
        area = parse_area(config.area) if config.area else None
        report = render_report(settings, kind, period, release_id=config.release or None,
                               sector=config.sector or None, area=area)
    except (ReportError, PeriodError, AreaError) as exc:
        raise dg.Failure(str(exc)) from exc
    context.log.info(f"{kind} {period.code} from release {report.release_id}: "
                     f"{report.html_path}")
    return dg.MaterializeResult(metadata={
        "period": period.code,
        "period_name": period.name_vi,
        "release_id": report.release_id,
        "object_key": report.key,
        "html": dg.MetadataValue.path(str(report.html_path)),
        "pdf": dg.MetadataValue.path(str(report.pdf_path)) if report.pdf_path else "",
        "figures": len(report.figures),
        "used_latest_good_release": report.notice or "",
    })


def _report_asset(key: dg.AssetKey, kind: str, description: str):
    @dg.asset(key=key, group_name="reports", deps=[RELEASE], kinds={"html", "pdf"},
              description=description)
    def _asset(context: dg.AssetExecutionContext, config: ReportConfig,
               settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
        return _materialize(kind, context, config, settings)

    return _asset


briefing_report = _report_asset(
    BRIEFING, "briefing", "Báo cáo tình hình kinh tế – xã hội (HTML + PDF) for a week, month, "
    "quarter, half-year, year or any range: indicators vs plan (chưa đạt), budget, public "
    "investment, enterprises, population and poverty (map), feedback, environment, data "
    "quality. From the current release; reports/briefing/<period>/release-<N>/.")
operations_report = _report_asset(
    OPERATIONS, "operations", "Báo cáo vận hành IOC (HTML + PDF) for a quarter, half-year or "
    "year: sources connected, deliveries on time, releases published and runs blocked, quality "
    "trend by department. reports/operations/<period>/release-<N>/.")
sector_report = _report_asset(
    SECTOR, "sector", "Báo cáo chuyên đề lĩnh vực (HTML + PDF): one sector for a commune, a "
    "polygon or a radius (config sector and area). reports/sector/<period>/release-<N>/.")

REPORT_ASSETS = [briefing_report, operations_report, sector_report]
