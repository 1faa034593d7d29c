"""Reports for the doors: render a briefing, the population table, the liaison team's quality
report or the providers' rejection reports, and list what is stored. Periods and areas arrive
as the text a person types; a bad one is a CoreError saying what is accepted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ioc_pipelines import clock
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class Rendered:
    """A report made: the release it read, where it is (local file and object key)."""

    kind: str
    release_id: int | None
    html: Path
    key: str
    bucket: str
    pdf: Path | None = None
    period_code: str | None = None
    period_name: str | None = None
    title: str | None = None
    summary: dict | None = None  # kind-specific headline figures


def default_period(kind: str, today: date | None = None):
    """The period a report is about when none is given: last month (operations: last
    quarter)."""
    from ioc_pipelines.reports.periods import previous_period

    return previous_period("quarterly" if kind == "operations" else "monthly",
                           today or clock.today())


def parse_period(text: str | None, kind: str):
    from ioc_pipelines.reports.periods import PeriodError
    from ioc_pipelines.reports.periods import parse_period as parse

    try:
        return parse(text) if text else default_period(kind)
    except PeriodError as exc:
        raise CoreError(str(exc)) from exc


def render(settings: Settings, kind: str, *, period: str | None = None,
           release: int | None = None, sector: str | None = None, area: str | None = None,
           pdf: bool = True) -> Rendered:
    """A briefing (``briefing``, ``operations``, ``sector``; HTML and PDF), the
    ``population`` table or the release's data ``dictionary``, from ``release`` (default:
    the current one)."""
    from ioc_pipelines.reports.areas import AreaError, parse_area
    from ioc_pipelines.reports.rendering import ReportError

    try:
        if kind == "population":
            from ioc_pipelines.reports.population import render_population_report

            made = render_population_report(settings, release)
            return Rendered(kind, made.release_id, made.local_path, made.key,
                            settings.published_bucket, summary={"total": made.total})
        if kind == "dictionary":
            from ioc_pipelines.reports.dictionary import render_dictionary

            book = render_dictionary(settings, release)
            return Rendered(kind, book.release_id, book.local_path, book.key,
                            settings.published_bucket, summary={"tables": book.tables})
        from ioc_pipelines.reports.briefing import render_report

        chosen = parse_period(period, kind)
        report = render_report(settings, kind, chosen, release_id=release, sector=sector,
                               area=parse_area(area) if area else None, pdf=pdf)
    except (ReportError, AreaError) as exc:
        raise CoreError(str(exc)) from exc
    return Rendered(kind, report.release_id, report.html_path, report.key,
                    settings.published_bucket, report.pdf_path, chosen.code, chosen.name_vi,
                    summary={"figures": len(report.figures), "notice": report.notice})


def quality_report(settings: Settings, *, release: int | None = None,
                   candidate: int | None = None) -> Rendered:
    """The liaison team's HTML quality report of a release (default: the current one) or of
    a candidate."""
    from ioc_pipelines.reports.quality import candidate_scope, release_scope, render_quality_report
    from ioc_pipelines.reports.rendering import ReportError

    try:
        scope = (candidate_scope(settings, candidate) if candidate is not None
                 else release_scope(settings, release))
        report = render_quality_report(settings, scope)
    except ReportError as exc:
        raise CoreError(str(exc)) from exc
    overall = {p: o["share"] for p, o in report.figures["overall"].items()
               if o["share"] is not None}
    return Rendered("quality", scope.release.id if scope.release else None, report.local_path,
                    report.key, settings.work_bucket, title=scope.title,
                    summary={"overall": overall})


def rejection_reports(settings: Settings, *, provider: str | None = None,
                      delivery: str | None = None) -> list:
    """Per provider and delivery, every rejected record with its reasons and what to correct
    (CSV and Excel), from the quarantine."""
    from ioc_pipelines.core.providers import check_provider
    from ioc_pipelines.reports.rejections import render_rejection_reports

    if provider is not None:
        check_provider(settings, provider)  # a typo is named, not "nothing to tell"
    return render_rejection_reports(settings, provider=provider, delivery_id=delivery)


def list_reports(settings: Settings, kind: str | None = None) -> list[dict]:
    """The reports stored on the object store (``reports/<kind>/<period>/…``)."""
    from ioc_pipelines.reports.briefing import list_reports as stored

    return [r for r in stored(settings) if kind is None or r["kind"] == kind]
