"""The 34 provinces and centrally-run cities of the 1 July 2025 reform as the project ships
them: ``dbt_project/seeds/reference/provinces_2025.csv`` (built from the shared reference by
``tools/build_reference.py``) and each one's boundaries, ``dbt_project/data/boundaries/
<slug>.geojson.gz`` (the province, then its communes; read compressed, never unpacked).

The settings read it (lazily, when they check ``IOC_PROVINCE``) to know which codes it
accepts; dbt's variables, the demo generator and the reports read the configured province's
name, boundaries and VN-2000 zone from it.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.settings import DBT_PROJECT_DIR

PROVINCES_CSV = DBT_PROJECT_DIR / "seeds" / "reference" / "provinces_2025.csv"
BOUNDARIES = DBT_PROJECT_DIR / "data" / "boundaries"
# VN-2000 TM-3 zones: EPSG code -> central meridian (checked against PROJ's definitions)
TM3_ZONES = {9205: 103.0, 9206: 104.0, 9207: 104.5, 9208: 104.75, 9209: 105.5, 9210: 105.75,
             9211: 106.0, 9212: 106.25, 9213: 106.5, 9214: 107.0, 9215: 107.25, 9216: 107.5,
             9217: 108.25, 9218: 108.5}
# the meridians the regulations set for the provinces whose data the project was built with;
# any other province: the zone nearest its centre (a cadastral office may use another)
OFFICIAL_ZONES = {"12": 9205, "33": 9209}


@dataclass(frozen=True)
class Province:
    code: str  # two digits, Decision 19/2025/QĐ-TTg
    name: str  # short: "Thái Nguyên"
    full_name: str  # "Tỉnh Thái Nguyên", "Thành phố Hà Nội"
    level: str  # "tỉnh", or "thành phố" for a centrally-run city
    slug: str  # ASCII, the boundary file's name: "thai_nguyen"
    merged_from: tuple[str, ...]  # the pre-2025 provinces merged into it
    merged_from_codes: tuple[str, ...]  # and their pre-2025 codes
    units: int  # communes, wards and special zones
    lon: float
    lat: float

    @property
    def title(self) -> str:
        """How a sentence names it: "tỉnh Thái Nguyên", "thành phố Hà Nội"."""
        return f"{self.level} {self.name}"

    @property
    def vn2000_crs(self) -> str:
        """The province's VN-2000 TM-3 zone, as VN-2000 metres with no stated system are read."""
        zone = OFFICIAL_ZONES.get(self.code) or min(
            TM3_ZONES, key=lambda epsg: abs(TM3_ZONES[epsg] - self.lon))
        return f"EPSG:{zone}"

    @property
    def boundary_path(self) -> Path:
        return BOUNDARIES / f"{self.slug}.geojson.gz"

    @property
    def boundary_uri(self) -> str:
        """The boundary file as DuckDB's ``st_read`` (GDAL) reads it, compressed."""
        return f"/vsigzip/{self.boundary_path}"

    def boundaries(self) -> dict:
        """The GeoJSON FeatureCollection: the province first, then each commune by code."""
        return json.loads(gzip.decompress(self.boundary_path.read_bytes()))


@functools.cache
def provinces() -> dict[str, Province]:
    """{code: Province} for the 34 provinces, in code order."""
    with PROVINCES_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["code"]: Province(
        code=r["code"], name=r["name"], full_name=r["full_name"], level=r["level"],
        slug=Path(r["boundary_file"]).name.removesuffix(".geojson"),
        merged_from=tuple(n.strip() for n in r["merged_from"].split(";")),
        merged_from_codes=tuple(c.strip() for c in r["merged_from_codes"].split(";")),
        units=int(r["unit_count"]), lon=float(r["centroid_lon"]), lat=float(r["centroid_lat"]),
    ) for r in rows}


def _key(text: str) -> str:
    """A name or slug folded for lookup: no tone marks, đ as d, letters and digits only."""
    folded = unicodedata.normalize("NFKD", text.strip().lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def find_province(value: str) -> Province:
    """A province by its code ("19"), slug ("thai_nguyen", "thainguyen") or name ("Thái
    Nguyên"); ValueError naming the valid ones otherwise."""
    table = provinces()
    if value.strip() in table:
        return table[value.strip()]
    key = _key(value)
    for province in table.values():
        if key and key in (_key(province.slug), _key(province.name), _key(province.full_name)):
            return province
    raise ValueError(f"{value!r} is not a province of the 2025 reform; use a code or name: "
                     f"{listing()}")


def listing() -> str:
    """"01 Hà Nội, 04 Cao Bằng, …": every province's code and name, for messages."""
    return ", ".join(f"{p.code} {p.name}" for p in provinces().values())
