"""What every part of the demo generator shares: the province (real communes and boundaries),
points inside a commune, VN-2000 projection, and the ground-truth manifest.

The manifest (``truth/manifest.json``) is the contract between the generator and the tests of
later layers: every delivery written (source, provider, file, delivery date, the date it was
due, on time or late, rows per raw table), every delivery that should have come and did not,
and every injected defect (source, raw table, file, record number, field, defect type).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.demo.regions import profile
from ioc_pipelines.provinces import find_province, provinces


def demo_key(province) -> str:
    """The demo's name of a province: its slug without underscores ("thainguyen")."""
    return province.slug.replace("_", "")


# every province's demo profile (demo/regions.py), by demo key: "laichau", "hungyen", …
PROVINCES = {demo_key(p): profile(code) for code, p in provinces().items()}


@dataclass
class Commune:
    code: str
    name: str
    level: str
    lon: float
    lat: float
    rings: list[np.ndarray]  # every ring of every polygon (even-odd rule)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        allpts = np.concatenate(self.rings)
        return allpts[:, 0].min(), allpts[:, 1].min(), allpts[:, 0].max(), allpts[:, 1].max()


def _inside(rings: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon over all rings, vectorised over points."""
    inside = np.zeros(x.shape, dtype=bool)
    for ring in rings:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        for start in range(0, len(x1), 512):  # bound the points × edges matrix
            a, b = x1[start:start + 512], y1[start:start + 512]
            c, d = x2[start:start + 512], y2[start:start + 512]
            crosses = ((b[None, :] > y[:, None]) != (d[None, :] > y[:, None]))
            with np.errstate(divide="ignore", invalid="ignore"):
                xs = a[None, :] + (y[:, None] - b[None, :]) * (c - a)[None, :] / (d - b)[None, :]
            inside ^= ((crosses & (x[:, None] < xs)).sum(axis=1) % 2).astype(bool)
    return inside


@dataclass
class Province:
    key: str
    code: str
    name: str
    info: dict
    communes: list[Commune]

    @classmethod
    def load(cls, key: str) -> Province:
        key = demo_key(find_province(key))  # a code, slug or name; else ValueError
        info = PROVINCES[key]
        units = {r["code"]: r for r in read_reference("admin_units_2025.csv")
                 if r["province_code"] == info["code"]}
        doc = provinces()[info["code"]].boundaries()
        communes = []
        for feature in doc["features"]:
            code = feature["properties"].get("code")
            if code not in units:
                continue  # the province outline
            geom = feature["geometry"]
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            rings = [np.asarray(ring, dtype=float) for poly in polys for ring in poly]
            u = units[code]
            communes.append(Commune(code, u["name"], u["level"], float(u["centroid_lon"]),
                                    float(u["centroid_lat"]), rings))
        communes.sort(key=lambda c: c.code)
        return cls(key, info["code"], info["name"], info, communes)

    def commune(self, code: str) -> Commune:
        return next(c for c in self.communes if c.code == code)

    def points_in(self, commune: Commune, n: int, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray]:
        """``n`` random WGS84 points inside the commune's real boundary."""
        x0, y0, x1, y1 = commune.bbox
        xs, ys = [], []
        need = n
        while need > 0:
            batch = max(64, int(need * 2.5))
            x = rng.uniform(x0, x1, batch)
            y = rng.uniform(y0, y1, batch)
            keep = _inside(commune.rings, x, y)
            got = x[keep][:need]
            xs.append(got)
            ys.append(y[keep][:need])
            need -= len(got)
        return np.concatenate(xs)[:n], np.concatenate(ys)[:n]

    def outside_point(self, rng: np.random.Generator) -> tuple[float, float]:
        """A point clearly outside the province (another part of Vietnam)."""
        return float(rng.uniform(105.5, 106.5)), float(rng.uniform(10.0, 11.0))


def to_vn2000(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 -> VN-2000 TM-3 metres with DuckDB spatial (the same PROJ the pipeline uses)."""
    import duckdb

    from ioc_pipelines.resources.extensions import CHECKED_ONCE, ensure_extensions

    con = duckdb.connect(config=CHECKED_ONCE)
    ensure_extensions(con, ["spatial"])
    import pyarrow as pa

    con.register("pts", pa.table({"lon": lon, "lat": lat}))
    out = con.execute(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_Point(lon, lat), 'EPSG:4326', ?, "
        "always_xy := true) AS p FROM pts)", [crs]).fetchnumpy()
    con.close()
    keys = list(out)
    return out[keys[0]], out[keys[1]]


def write_csv(path: Path, headers: list[str], rows: list[list], encoding: str = "utf-8-sig",
               sep: str = ",") -> None:
    """A provider's CSV: UTF-8 with BOM by default, or TCVN3 bytes as legacy software writes."""
    if encoding == "tcvn3":
        import io

        from connectors.text import encode_tcvn3

        buf = io.StringIO()
        csv.writer(buf, delimiter=sep).writerows([headers, *rows])
        path.write_bytes(encode_tcvn3(buf.getvalue()))
        return
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(headers)
        writer.writerows(rows)


# old-style tone placement on oa/oe/uy at the end of a syllable (hoà, thuỵ) vs the new (hòa)
_OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè",
              "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý",
              "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
_LEVEL_ABBREVIATIONS = {"Xã ": ["X. ", "X.", "xã "], "Phường ": ["P. ", "P.", "phường "],
                        "Đặc khu ": ["ĐK. "]}


def name_variant(name: str, rng) -> str:
    """A commune name as people type it: abbreviated level, old tone placement, lower case,
    doubled spaces, a typographic apostrophe — never a different place."""
    out = name
    for level, shorter in _LEVEL_ABBREVIATIONS.items():
        if out.startswith(level) and rng.random() < 0.6:
            out = rng.choice(shorter) + out[len(level):]
    words = out.split(" ")
    for i, word in enumerate(words):
        for new, old in _OLD_TONES.items():
            if word.endswith(new) and rng.random() < 0.8:
                words[i] = word[:-2] + old
    out = ("  " if rng.random() < 0.3 else " ").join(words)
    if rng.random() < 0.2:
        out = out.lower()
    if rng.random() < 0.1:
        out += "’"
    return out


@dataclass
class Truth:
    """The ground-truth manifest, filled while deliveries are written."""

    out: Path
    province: Province
    deliveries: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    defects: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    # records that carry only a (variant) commune name: where the rules must place them
    placed_by_name: list[dict] = field(default_factory=list)
    # the newest delivery date: a report due on or after it is not missing yet (the contracts'
    # completeness check only expects what was due before the day it runs)
    as_of: date | None = None

    def path(self, source: str, provider: str, when: date, name: str) -> Path:
        folder = self.out / "landing" / source / when.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{provider}__{name}"

    def deliver(self, source: str, provider: str, when: date, name: str,
                write: Callable[[Path], None], rows: dict[str, int], *,
                due: date | None = None, period: str | None = None) -> Path:
        path = self.path(source, provider, when, name)
        write(path)
        self.deliveries.append({
            "source": source, "provider": provider, "file": path.name,
            "path": str(path.relative_to(self.out)), "delivery_date": when.isoformat(),
            "due_date": due.isoformat() if due else None, "period": period,
            "status": self._timeliness(source, provider, period, when, due), "rows": rows,
        })
        return path

    def _timeliness(self, source: str, provider: str, period: str | None, when: date,
                    due: date | None) -> str:
        """late: after the due date with nothing of the period delivered by then; a
        re-delivery after an on-time one is a correction, not a late report."""
        if not due or when <= due:
            return "on_time"
        earlier = any(d["source"] == source and d["provider"] == provider
                      and d["period"] == period and d["delivery_date"] <= due.isoformat()
                      for d in self.deliveries)
        return "correction" if earlier and period is not None else "late"

    def miss(self, source: str, provider: str, period: str, due: date) -> None:
        if self.as_of is not None and due >= self.as_of:
            return  # not due yet: nothing is missing
        self.missing.append({"source": source, "provider": provider, "period": period,
                             "due_date": due.isoformat()})

    def defect(self, source: str, table: str, file: str, record_number: int | None,
               field_name: str | None, defect: str, **detail) -> None:
        self.defects.append({"source": source, "table": table, "file": file,
                             "record_number": record_number, "field": field_name,
                             "defect": defect, **detail})

    def write(self, meta: dict) -> Path:
        manifest = {**meta, "deliveries": self.deliveries, "missing_deliveries": self.missing,
                    "defects": self.defects, "counts": self.counts,
                    "placed_by_name": self.placed_by_name,
                    "defect_types": sorted({d["defect"] for d in self.defects})}
        target = self.out / "truth" / "manifest.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        return target
