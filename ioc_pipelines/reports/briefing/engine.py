"""The briefing reports (báo cáo phục vụ giao ban), 100 % from one pinned release: the engine
that builds a report's sections and renders them (HTML by Jinja, PDF by headless Chromium).

Three kinds, one engine:

- ``briefing`` — tình hình kinh tế – xã hội for a week, month, quarter, half-year, year or any
  range of days: indicators against plan with the *chưa đạt* alerts and growth on the same
  period last year, budget, public-investment disbursement with lagging projects, enterprises,
  population and poverty (map), citizen feedback, environment and water-level incidents, and
  the data quality of the sources behind the figures;
- ``operations`` — báo cáo vận hành IOC (quarter, half-year, year): sources connected,
  deliveries on time, releases published and runs blocked, quality trend by department;
- ``sector`` — one sector (health, education, transport, environment, public order, social
  welfare) for an area (a commune, a polygon, a radius: ``reports/areas.py``).

Sections are modules of ``sections/``; their SQL is in ``sql/``; ``kinds.py`` says which
sections make each kind.

Every figure is read from the published lake pinned at the release — the operations report
also reads the work lake's operational records (``work.ops``) as they were at that release's
snapshot — and nothing uses the
clock: rendering the same kind, period and release again gives the same HTML bytes, and the
PDF (printed by headless Chromium) the same bytes once its creation date is set to the
release's publish time. Every section names its marts and sources; a section whose sources
or marts failed a warn-level check in that release is marked ⚠.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from ioc_pipelines.core.publishing import Release, current_release, get_release
from ioc_pipelines.reports.areas import Area
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.kinds import (
    FILE_STEMS,
    OPERATIONS_PERIODS,
    REPORT_KINDS,
    SECTORS,
    TITLES,
    Sector,
    sections_of,
)
from ioc_pipelines.reports.briefing.parts import RenderedBriefing, Section
from ioc_pipelines.reports.briefing.provenance import (
    as_of_rows,
    latest_good_notice,
    period_notice,
    source_name,
    warned_by,
)
from ioc_pipelines.reports.briefing.sections import data_quality
from ioc_pipelines.reports.briefing.sections.area import area_vi
from ioc_pipelines.reports.periods import Period
from ioc_pipelines.reports.rendering import ReportError, environment, province_title
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import write_atomically
from ioc_pipelines.settings import Settings


def build(settings: Settings, kind: str, period: Period, release: Release, *,
          sector: Sector | None = None, area: Area | None = None) -> dict:
    """The report's content: sections, provenance, title — what the template renders."""
    from ioc_pipelines.resources.extensions import ensure_extensions

    if kind == "operations" and period.kind not in OPERATIONS_PERIODS:
        raise ReportError("the operations report is made for a quarter, a half-year or a year "
                          "(e.g. --period 2026-Q3, 2026-H1, 2026)")
    if kind == "sector" and (sector is None or area is None):
        raise ReportError("a sector view needs --sector and --area")
    published = release.published_at.date()
    if period.start > published:  # the release, not the clock: the same inputs, same answer
        raise ReportError(f"the period {period.code} had not begun when release {release.id} "
                          f"was published ({published:%Y-%m-%d}): no data can describe it yet")
    with connect(settings, work=True, published=True, published_snapshot=release.id) as con:
        ensure_extensions(con, ["spatial"])
        ctx = Context(settings, con, release, period, area=area)
        if kind == "sector":
            try:
                ctx.communes = [r["commune_code"] for r in ctx.query("area_communes")]
            except Exception as exc:  # noqa: BLE001 - e.g. a polygon DuckDB cannot read
                raise ReportError(f"the area cannot be used: {str(exc).splitlines()[0]}") from None
            if not ctx.communes:
                raise ReportError(f"the area {area.text[:80]} holds no commune of the province "
                                  f"in release {release.id} (`ioc status`: dim_admin_units)")
        _check_has_data(ctx)
        sections = sections_of(kind, ctx, sector)
        sources = sorted({src for s in sections for src in s.sources})
        if kind != "operations":
            sections.append(data_quality.section(ctx, sources))
        as_of = as_of_rows(ctx, sources)
    for number, s in enumerate(sections, start=1):
        s.title = f"{number}. {s.title}"
        s.warnings = warned_by(release, s)
    return {"sections": sections, "as_of": as_of, "work_snapshot": ctx.work_snapshot}


def _check_has_data(ctx: Context) -> None:
    """A period that ends before the release's first data is refused (nothing to describe).
    The month before the first one is still described: what is delivered in a month (the
    departments' reports by the 5th, a registry extract) tells of the month before it."""
    [row] = ctx.query("first_period")
    first = row["first_month"]
    if first and ctx.period.end < date.fromisoformat(f"{first}-01") - timedelta(days=31):
        raise ReportError(f"the period {ctx.period.code} ends before the first data in release "
                          f"{ctx.release.id} ({first}): nothing to describe")


def figures_of(sections: list[Section]) -> dict:
    """data-key → value of every keyed figure (what the HTML carries as data-value)."""
    out = {}
    for s in sections:
        for card in s.cards:
            if card.cell.key:
                out[card.cell.key] = card.cell.value
        for table in s.tables:
            for row in table.rows:
                for cell in row:
                    if cell.key:
                        out[cell.key] = cell.value
    return out


def data_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def report_key(kind: str, period: Period, release_id: int, sector: Sector | None,
               area: Area | None) -> str:
    stem = (FILE_STEMS[kind] if kind != "sector"
            else f"linh-vuc-{sector.key.replace('_', '-')}-{area.slug}")
    return f"reports/{kind}/{period.folder}/release-{release_id}/{stem}"


def local_html(settings: Settings, key: str) -> Path:
    """Where a report of object key ``key`` (without suffix) is written under
    ``$IOC_HOME/reports``; its PDF lies beside it."""
    return settings.reports_dir / (key.removeprefix("reports/") + ".html")


def render_report(settings: Settings, kind: str, period: Period, *,
                  release_id: int | None = None, sector: str | None = None,
                  area: Area | None = None, pdf: bool = True) -> RenderedBriefing:
    """Render one report (HTML, and PDF unless ``pdf=False``) from a release (default: the
    current one, with a notice when a newer run did not publish), store both on the object
    store under ``reports/<kind>/<period>/release-<N>/`` and under $IOC_HOME/reports."""
    from ioc_pipelines.reports.pdf import html_to_pdf
    from ioc_pipelines.resources.object_store import object_store

    if kind not in REPORT_KINDS:
        raise ReportError(f"unknown report kind {kind!r} (one of {', '.join(REPORT_KINDS)}, "
                          "population)")
    sector_def = None
    if kind == "sector":
        if sector not in SECTORS:
            raise ReportError(f"unknown sector {str(sector)[:30]!r} (one of "
                              f"{', '.join(SECTORS)})")
        sector_def = SECTORS[sector]
    release = (get_release(settings, release_id) if release_id is not None
               else current_release(settings))
    if release is None:
        raise ReportError("no published release yet: run `ioc run` first" if release_id is None
                          else f"release {release_id} does not exist (see `ioc releases`)")
    notice = " ".join(n for n in (
        latest_good_notice(settings, release) if release_id is None else None,
        period_notice(period, release)) if n) or None
    content = build(settings, kind, period, release, sector=sector_def, area=area)
    title = TITLES[kind] + (f": {sector_def.name_vi}" if sector_def else "")
    html = environment().get_template("briefing.html.j2").render(
        province=province_title(settings),
        title=title, kind=kind, period=period, release=release, notice=notice,
        sector=sector_def, area=area, area_vi=area_vi(area) if area else None,
        data_value=data_value, source_name=source_name, **content)
    key = report_key(kind, period, release.id, sector_def, area)
    store = object_store(settings)
    local = local_html(settings, key)
    local.parent.mkdir(parents=True, exist_ok=True)
    data = html.encode("utf-8")
    write_atomically(local, data)
    store.put_bytes(settings.published_bucket, key + ".html", data)
    pdf_path = None
    if pdf:
        pdf_path = local.with_suffix(".pdf")
        html_to_pdf(local, pdf_path, created=release.published_at, chromium=settings.chromium)
        store.put_file(settings.published_bucket, key + ".pdf", pdf_path)
    return RenderedBriefing(kind, period, release.id, key + ".html", local, pdf_path,
                            figures_of(content["sections"]), notice)


def list_reports(settings: Settings) -> list[dict]:
    """Every report stored on the object store (reports/<kind>/<period>/…), by kind and
    period."""
    from ioc_pipelines.resources.object_store import object_store

    out = []
    for info in object_store(settings).list(settings.published_bucket, "reports/"):
        parts = info.key.split("/")
        out.append({"key": info.key, "kind": parts[1] if len(parts) > 2 else "",
                    "period": parts[2] if len(parts) > 3 else "", "size": info.size})
    return sorted(out, key=lambda r: (r["kind"], r["period"], r["key"]))
