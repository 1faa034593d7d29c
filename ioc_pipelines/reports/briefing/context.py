"""What every section reads through: the connection pinned at the release, the period, the
area — and the section queries, kept as ``.sql`` files in ``sql/`` beside this module.

A query file names its tables and render-time filters with placeholders, filled here:
``{m:<mart>}`` the release's mart, ``{work:<schema>.<table>}`` the work lake's table as it was
at the release's snapshot, ``{filter:area}`` / ``{filter:sensors}`` / ``{filter:houses}`` the
area's filter on commune codes / sensor points / house points (TRUE for the province),
``{filter:communes}`` the communes inside a sector view's area, ``{filter:polygon}`` its
drawn polygon. Values
(months, days, codes) are bound as DuckDB named parameters (``$months``). Rows come back as
dicts: a column is read by its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.core.publishing import Release
from ioc_pipelines.core.state import at_version
from ioc_pipelines.reports.areas import Area, in_area_sql
from ioc_pipelines.reports.briefing.parts import month_vi
from ioc_pipelines.reports.periods import Period
from ioc_pipelines.reports.rendering import ReportError
from ioc_pipelines.reports.sql_files import fill, read, rows
from ioc_pipelines.resources.lakes import PUBLISHED
from ioc_pipelines.settings import Settings

SQL_DIR = Path(__file__).with_name("sql")


@dataclass
class Context:
    settings: Settings
    con: object
    release: Release
    period: Period
    communes: list[str] | None = None  # the area's communes (None: the whole province)
    area: Area | None = None

    @property
    def work_snapshot(self) -> int | None:
        return self.release.info.get("work_snapshot")

    def m(self, name: str) -> str:
        if name not in self.release.tables:
            raise ReportError(f"release {self.release.id} has no mart {name} (made by an older "
                              "version?): pick a newer release")
        return f"{PUBLISHED}.main.{name}"

    def query(self, name: str, **params) -> list[dict]:
        """The rows of ``sql/<name>.sql`` with ``params`` bound by name."""
        return rows(self.con, self.sql(name), params)

    def first(self, name: str, **params) -> dict:
        rows = self.query(name, **params)
        return rows[0] if rows else {}

    def sql(self, name: str) -> str:
        return fill(read(SQL_DIR, name), self._resolve)

    def _resolve(self, kind: str, name: str) -> str:
        if kind == "m":
            return self.m(name)
        if kind == "work":
            return at_version(f"work.{name}", self.work_snapshot)
        return {"area": self.in_area, "sensors": self.sensors_in_area,
                "houses": self.houses_in_area, "communes": self.communes_of_area,
                "polygon": lambda: self.area.area_sql()}[name]()

    def in_area(self) -> str:
        """SQL filter on a ``commune_code`` column for the area (TRUE for the province)."""
        if self.communes is None:
            return "TRUE"
        quoted = ", ".join(f"'{c}'" for c in self.communes)  # codes are 5 digits (validated)
        return f"commune_code IN ({quoted or 'NULL'})"

    def sensors_in_area(self) -> str:
        if self.area is None:
            return "TRUE"
        return in_area_sql(self.area, "st_point(longitude, latitude)", self.m("dim_admin_units"))

    def houses_in_area(self) -> str:
        if self.area is None:
            return "TRUE"
        return in_area_sql(self.area, "geom", self.m("dim_admin_units"))

    def communes_of_area(self) -> str:
        """SQL filter on the communes table's geometry: the communes in the area."""
        return in_area_sql(self.area, "geom", self.m("dim_admin_units"), communes=True)

    def ref_month(self, mart: str, codes: list[str] | None = None
                  ) -> tuple[str | None, str | None]:
        """The month a snapshot-type figure is read for: the latest month with data within
        the period, else the latest before it (with a note saying so)."""
        params = {"first": self.period.months[0], "last": self.period.end_month,
                  "codes": codes or []}
        found = self.first(f"ref_month_{mart}", **params)
        if found.get("inside"):
            return found["inside"], None
        if found.get("before"):
            return found["before"], (f"Chưa có số liệu trong kỳ; dùng số liệu tháng "
                                     f"{month_vi(found['before'])}, tháng gần nhất đã báo cáo.")
        return None, "Chưa có số liệu."
