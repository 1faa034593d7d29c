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
# VN-2000 TM-3 zones: EPSG code -> central meridian (checked against PROJ's definitions by
# tests/ioc_pipelines/test_provinces.py)
TM3_ZONES = {5897: 105.0, 5898: 108.0, 5899: 107.75,
             9205: 103.0, 9206: 104.0, 9207: 104.5, 9208: 104.75, 9209: 105.5, 9210: 105.75,
             9211: 106.0, 9212: 106.25, 9213: 106.5, 9214: 107.0, 9215: 107.25, 9216: 107.5,
             9217: 108.25, 9218: 108.5}
# each former (pre-2025) province's central meridian for its local VN-2000 maps (Circular
# 973/2001/TT-TCĐC); a 2025 province carries the code of the former province of its seat
# and keeps that one's meridian
FORMER_MERIDIANS = {
    "01": 105.0, "02": 105.5, "04": 105.75, "06": 106.5, "08": 106.0, "10": 104.75,
    "11": 103.0, "12": 103.0, "14": 104.0, "15": 104.75, "17": 106.0, "19": 106.5,
    "20": 107.25, "22": 107.75, "24": 107.0, "25": 104.75, "26": 105.0, "27": 105.5,
    "30": 105.5, "31": 105.75, "33": 105.5, "34": 105.5, "35": 105.0, "36": 105.5,
    "37": 105.0, "38": 105.0, "40": 104.75, "42": 105.5, "44": 106.0, "45": 106.25,
    "46": 107.0, "48": 107.75, "49": 107.75, "51": 108.0, "52": 108.25, "54": 108.5,
    "56": 108.25, "58": 108.25, "60": 108.5, "62": 107.5, "64": 108.5, "66": 108.5,
    "67": 108.5, "68": 107.75, "70": 106.25, "72": 105.5, "74": 105.75, "75": 107.75,
    "77": 107.75, "79": 105.75, "80": 105.75, "82": 105.75, "83": 105.75, "84": 105.5,
    "86": 105.5, "87": 105.0, "89": 104.75, "91": 104.5, "92": 105.0, "93": 105.0,
    "94": 105.5, "95": 105.0, "96": 104.5}


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
        """The province's VN-2000 TM-3 zone, in which VN-2000 metres with no stated system
        are read: its seat's former province's meridian (Lai Châu 103°00′: EPSG:9205)."""
        meridian = FORMER_MERIDIANS[self.code]
        return f"EPSG:{next(z for z, m in TM3_ZONES.items() if m == meridian)}"

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
