"""First report: population by commune for one release (HTML, Vietnamese).

Reads only the published lake, pinned at the release, so rendering the same release again
gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.reports.rendering import (
    ReportError,
    environment,
    local_copy,
    pick_release,
    province_title,
    store,
)
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

QUERY = Path(__file__).with_name("population.sql").read_text(encoding="utf-8")


def object_key(release_id: int) -> str:
    return f"reports/population/release-{release_id}/dan-so-theo-xa.html"


def local_path(settings: Settings, release_id: int) -> Path:
    return local_copy(settings, object_key(release_id))


@dataclass(frozen=True)
class RenderedReport:
    release_id: int
    key: str
    local_path: Path
    total: int


def render_population_report(settings: Settings, release_id: int | None = None) -> RenderedReport:
    release = pick_release(settings, release_id)
    if "population_by_commune" not in release.tables:
        raise ReportError(f"release {release.id} has no mart population_by_commune (made by an "
                          "older version): pick a newer release")
    with connect(settings, work=False, published=True, published_snapshot=release.id) as con:
        cursor = con.execute(QUERY)
        names = [d[0] for d in cursor.description]
        communes = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    total = sum(c["total"] for c in communes)
    html = environment().get_template("population.html.j2").render(
        province=province_title(settings),
        release=release,
        communes=communes,
        total=total,
        male=sum(c["male"] or 0 for c in communes),
        female=sum(c["female"] or 0 for c in communes),
        reference_date=max((c["reference_date"] for c in communes), default=None),
        max_total=max((c["total"] for c in communes), default=1),
    )
    key = object_key(release.id)
    return RenderedReport(release.id, key, store(settings, settings.published_bucket, key, html),
                          total)
