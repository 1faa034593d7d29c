"""The area of a sector view: a commune, a polygon, or a radius around a point.

Written ``commune:03388``, ``polygon:POLYGON((lon lat, …))`` (WKT, WGS84) or
``radius:103.458,22.396,5`` (lon, lat, km). The SQL that selects what lies in the area is the
dbt project's own spatial macros (``dbt_project/macros/spatial.sql``: ``within_km``,
``inside_area``, ``in_commune``), rendered here by Jinja with ``ref()`` pointing at the
published boundaries — one definition of "in the area" for analysts' models and reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import jinja2

from ioc_pipelines.settings import REPO_ROOT

MACROS = REPO_ROOT / "dbt_project" / "macros" / "spatial.sql"
COMMUNE = re.compile(r"^\d{5}$")
NUMBER = r"-?\d{1,3}(?:\.\d+)?"
RADIUS = re.compile(rf"^({NUMBER}),({NUMBER}),(\d{{1,3}}(?:\.\d+)?)$")
WKT = re.compile(r"^(MULTI)?POLYGON\s*\(\([-0-9.,\s()]+\)\)$", re.IGNORECASE)
MAX_WKT = 20_000


class AreaError(ValueError):
    pass


@dataclass(frozen=True)
class Area:
    kind: str  # commune | polygon | radius
    text: str  # as given, normalised
    commune_code: str | None = None
    wkt: str | None = None
    lon: float | None = None
    lat: float | None = None
    km: float | None = None

    @property
    def slug(self) -> str:
        """A folder-safe name: xa-03388, ban-kinh-103.458-22.396-5km, vung-<hash>."""
        if self.kind == "commune":
            return f"xa-{self.commune_code}"
        if self.kind == "radius":
            return f"ban-kinh-{self.lon:g}-{self.lat:g}-{self.km:g}km"
        import hashlib

        return "vung-" + hashlib.sha256(self.wkt.encode()).hexdigest()[:10]

    def area_sql(self) -> str | None:
        """A polygon area as an SQL geometry (None for the other kinds)."""
        return f"st_geomfromtext('{self.wkt}')" if self.kind == "polygon" else None


def parse_area(text: str) -> Area:
    kind, _, value = (text or "").strip().partition(":")
    kind, value = kind.lower(), value.strip()
    if kind == "commune" and COMMUNE.match(value):
        return Area("commune", f"commune:{value}", commune_code=value)
    if kind == "radius" and (m := RADIUS.match(value.replace(" ", ""))):
        lon, lat, km = float(m[1]), float(m[2]), float(m[3])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90 and 0 < km <= 500):
            raise AreaError(f"radius {value[:60]!r}: lon, lat or km out of range")
        return Area("radius", f"radius:{lon:g},{lat:g},{km:g}", lon=lon, lat=lat, km=km)
    if kind == "polygon" and len(value) <= MAX_WKT and WKT.match(value):
        wkt = re.sub(r"\s+", " ", value)
        return Area("polygon", f"polygon:{wkt}", wkt=wkt)
    raise AreaError(
        f"area {text[:60]!r} is not understood: write commune:03388, "
        "radius:LON,LAT,KM (e.g. radius:103.458,22.396,5) or polygon:POLYGON((lon lat, …)) "
        "in WGS84")


@cache
def _macros(boundaries: str):
    # SQL, not HTML: nothing to escape; the values passed in are validated above
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)  # noqa: S701
    env.globals["ref"] = lambda name: boundaries
    return env.from_string(MACROS.read_text(encoding="utf-8")).module


def in_area_sql(area: Area, geom: str, boundaries: str, *, communes: bool = False) -> str:
    """SQL true when ``geom`` lies in the area. ``boundaries`` is the relation with
    ``commune_code`` and ``geom`` (the published ``dim_admin_units``); ``communes`` says the
    rows are communes themselves, so a commune area means that commune (not its neighbours
    touching the boundary)."""
    macros = _macros(boundaries)
    if area.kind == "commune":
        if communes:
            return f"(commune_code = '{area.commune_code}')"
        return str(macros.in_commune(geom, area.commune_code))
    if area.kind == "radius":
        return str(macros.within_km(geom, area.lon, area.lat, area.km))
    return str(macros.inside_area(geom, area.area_sql()))
