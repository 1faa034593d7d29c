"""Bring the country's administrative reference into the repository, in the form the project
ships it (run once when the reference changes, then ``build_admin_crosswalk.py``):

    python tools/build_reference.py [--from DIR]   # default: the shared reference beside the repo

- ``admin_units_2025.csv`` (every province's communes, wards and special zones: code, name,
  level, province, centroid) and ``provinces_2025.csv`` (the 34 provinces, the former ones
  merged into each, the boundary file) become dbt seeds under ``seeds/reference``;
- each ``boundaries/<slug>.geojson`` is stored gzip-compressed as
  ``dbt_project/data/boundaries/<slug>.geojson.gz`` (52 MB of GeoJSON → 13 MB), which DuckDB
  reads as it is (GDAL's ``/vsigzip/``) and Python with ``gzip`` (``core/provinces.py``):
  nothing is unpacked;
- ``BOUNDARIES_SOURCES.md`` (provenance, licences, known discrepancies) becomes
  ``docs/sources/boundaries.md``.

The input is checked first (34 provinces, unique codes, a boundary file per province with
its communes): nothing is written from an inconsistent reference.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "dbt_project" / "seeds" / "reference"
BOUNDARIES = ROOT / "dbt_project" / "data" / "boundaries"
PREFACE = """<!-- Made by tools/build_reference.py from the shared reference; edit there, not here. -->
> **In this repository** the files below are shipped as `dbt_project/seeds/reference/
> admin_units_2025.csv` and `provinces_2025.csv` (dbt seeds) and
> `dbt_project/data/boundaries/<slug>.geojson.gz` (the GeoJSON gzip-compressed, read as it
> is); `IOC_PROVINCE` picks the province (`ioc_pipelines/provinces.py`). The pre-2025
> crosswalk of every province is built from the same `vietnamadminunits` package by
> `tools/build_admin_crosswalk.py`.

"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", default=str(ROOT.parent / "shared" / "reference"))
    source = Path(parser.parse_args().source)
    units = _rows(source / "admin_units_2025.csv")
    provinces = _rows(source / "provinces_2025.csv")
    codes = [u["code"] for u in units]
    problems = []
    if len(provinces) != 34 or len({p["code"] for p in provinces}) != 34:
        problems.append(f"{len(provinces)} provinces, expected 34 distinct codes")
    if len(set(codes)) != len(codes):
        problems.append("commune codes are not unique")
    geojson = {}
    for province in provinces:
        path = source / province["boundary_file"]
        doc = json.loads(path.read_text(encoding="utf-8"))
        communes = {f["properties"]["code"] for f in doc["features"]
                    if f["properties"]["level"] != "province"}
        listed = {u["code"] for u in units if u["province_code"] == province["code"]}
        if communes != listed:
            problems.append(f"{path.name}: {len(communes ^ listed)} communes differ from the list")
        geojson[path.name] = path.read_bytes()
    if problems:
        print("\n".join(problems))
        return 1

    _write_rows(SEEDS / "admin_units_2025.csv", units)
    _write_rows(SEEDS / "provinces_2025.csv", provinces)
    for old in BOUNDARIES.glob("*.geojson*"):
        old.unlink()
    for name, data in sorted(geojson.items()):
        (BOUNDARIES / f"{name}.gz").write_bytes(gzip.compress(data, 9, mtime=0))
    (ROOT / "docs" / "sources" / "boundaries.md").write_text(
        PREFACE + re.sub(r" \([A-Z]+\.md\)", "",  # pointers to documents outside the repo
                         (source / "BOUNDARIES_SOURCES.md").read_text(encoding="utf-8")),
        encoding="utf-8")
    size = sum(p.stat().st_size for p in BOUNDARIES.glob("*.gz"))
    print(f"{len(units)} units of {len(provinces)} provinces; {len(geojson)} boundary files, "
          f"{sum(map(len, geojson.values())) / 2**20:.1f} MiB → {size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
