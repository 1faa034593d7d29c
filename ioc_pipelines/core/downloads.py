"""Plain downloads of a granted dataset at a release: CSV (UTF-8 with a BOM, so Excel opens
Vietnamese right; every cell inert), XLSX (a data sheet and the data dictionary), Parquet, and
GeoJSON for map layers — each written once per release to ``$IOC_HOME/sharing/exports`` by
streaming from DuckDB in batches (never the whole table in memory) and served from disk; and
the data dictionary (columns, types, descriptions from dbt) beside each."""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ioc_pipelines.core import audit, datasets, grants
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.datasets import Column, Dataset
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.publishing import Release
from ioc_pipelines.reports.spreadsheet import FORMULA_START, csv_text, inert_cell
from ioc_pipelines.settings import Settings

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "parquet": "application/vnd.apache.parquet",
           "geojson": "application/geo+json"}
DICTIONARY_FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8"}
BOM = "\ufeff"
BATCH = 50_000
XLSX_MAX_ROWS = 1_048_575  # a worksheet's rows, less the header


@dataclass(frozen=True)
class Download:
    path: Path
    media_type: str
    filename: str


def _target(settings: Settings, release: Release, ds: Dataset, ext: str) -> Path:
    return settings.home / "sharing" / "exports" / f"r{release.id}" / f"{ds.name}.{ext}"


_lock = threading.Lock()


def _made_once(target: Path, make) -> Path:
    """``make(partial_path)`` once, renamed into place (readers never see half a file)."""
    if target.is_file():
        return target
    with _lock:
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        make(partial)
        os.replace(partial, target)
    return target


def _batches(settings: Settings, ds: Dataset, release: Release, cols: list[Column],
             geometry: str = "wkb"):
    with datasets.published(settings) as con:
        cursor = con.execute(datasets.select_sql(ds, release, cols, geometry=geometry))
        while rows := cursor.fetchmany(BATCH):
            yield rows


def _csv_select(ds: Dataset, release: Release, cols: list[Column]) -> str:
    """The CSV's SELECT: text that a spreadsheet would run as a formula gets an apostrophe
    (the rule of ``reports.spreadsheet``: a plain signed number stays as it is)."""
    starts = "".join("\\" + c if c in "-+" else c for c in FORMULA_START
                     if c not in "\t\r") + "\\t\\r"
    plain = r"^[+-]?\d+([.,]\d+)*([eE][+-]?\d+)?$"
    base = datasets.select_sql(ds, release, cols, geometry="wkt")
    outer = ", ".join(
        f"CASE WHEN regexp_matches(\"{c.name}\", '^[{starts}]') AND NOT "
        f"regexp_matches(\"{c.name}\", '{plain}') THEN '''' || \"{c.name}\" "
        f"ELSE \"{c.name}\" END AS \"{c.name}\"" if c.type == "VARCHAR"
        else f'"{c.name}"' for c in cols)
    return f"SELECT {outer} FROM ({base})"


def _write_csv(settings: Settings, ds: Dataset, release: Release, cols: list[Column],
               partial: Path) -> None:
    body = partial.with_name(partial.name + ".body")
    with datasets.published(settings) as con:
        con.execute(f"COPY ({_csv_select(ds, release, cols)}) TO '{body}' "
                    "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')")
    with partial.open("wb") as out, body.open("rb") as rows:
        out.write(BOM.encode("utf-8"))
        shutil.copyfileobj(rows, out, 1 << 20)
    body.unlink()


def _write_xlsx(settings: Settings, ds: Dataset, release: Release, cols: list[Column],
                partial: Path) -> None:
    from openpyxl import Workbook

    rows = datasets.row_count(release, ds)
    if rows > XLSX_MAX_ROWS:
        raise CoreError(f"{ds.name} có {rows:,} dòng, quá số dòng một trang Excel; "
                        "hãy tải CSV hoặc Parquet")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(ds.name[:31])
    sheet.append([inert_cell(sheet, c.name) for c in cols])
    for batch in _batches(settings, ds, release, cols, geometry="wkt"):
        for row in batch:
            sheet.append([inert_cell(sheet, _cell(v)) for v in row])
    about = book.create_sheet("tu_dien_du_lieu")
    about.append(["cột", "kiểu", "mô tả"])
    for c in cols:
        about.append([inert_cell(about, c.name), c.type, inert_cell(about, c.description)])
    book.save(partial)


def _cell(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones: local time as written
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return value


def _write_geojson(settings: Settings, ds: Dataset, release: Release, cols: list[Column],
                   partial: Path) -> None:
    names = [c.name for c in cols]
    at = names.index(ds.geometry)
    with partial.open("w", encoding="utf-8") as out:
        out.write('{"type":"FeatureCollection","name":' + json.dumps(ds.name)
                  + ',"features":[\n')
        first = True
        for batch in _batches(settings, ds, release, cols, geometry="geojson"):
            for row in batch:
                feature = {"type": "Feature",
                           "geometry": json.loads(row[at]) if row[at] else None,
                           "properties": {n: _json_value(v) for n, v in zip(names, row,
                                                                          strict=True)
                                          if n != ds.geometry}}
                out.write(("" if first else ",\n")
                          + json.dumps(feature, ensure_ascii=False, default=str))
                first = False
        out.write("\n]}\n")


def _make(settings: Settings, ds: Dataset, release: Release, fmt: str) -> Path:
    if fmt == "parquet":
        return datasets.export_parquet(settings, ds, release)
    if fmt == "geojson" and not datasets.layer_in(settings, ds, release):
        raise CoreError(f"{ds.name} không phải lớp bản đồ: tải CSV, XLSX hoặc Parquet")
    cols = datasets.columns(settings, ds, release)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "geojson": _write_geojson}[fmt]
    return _made_once(_target(settings, release, ds, fmt),
                      lambda partial: writer(settings, ds, release, cols, partial))


def download(settings: Settings, actor: Actor, account: Account, name: str, fmt: str,
             release_id: int | None = None) -> Download:
    """A granted dataset at a release (the current one by default) as a file; audited."""
    with audit.audited(settings, actor, "share.download", name,
                       {"format": fmt, "release": release_id}) as said:
        if fmt not in FORMATS:
            raise CoreError(f"định dạng {fmt!r} không có (có: {', '.join(FORMATS)})")
        ds = datasets.dataset(name)
        grants.require_grant(settings, account, ds.name)
        release = datasets.release_for(settings, release_id)
        datasets.in_release(ds, release)
        path = _make(settings, ds, release, fmt)
        said.update(release=release.id, bytes=path.stat().st_size)
    return Download(path, FORMATS[fmt], f"{ds.name}-ban-phat-hanh-{release.id}.{fmt}")


def dictionary(settings: Settings, actor: Actor, account: Account, name: str,
               release_id: int | None = None) -> dict:
    """The data dictionary of a granted dataset at a release: what each column holds."""
    with audit.audited(settings, actor, "share.dictionary", name,
                       {"release": release_id}) as said:
        ds = datasets.dataset(name)
        grants.require_grant(settings, account, ds.name)
        release = datasets.release_for(settings, release_id)
        cols = datasets.columns(settings, ds, release)
        said["release"] = release.id
    return {"dataset": ds.name, "title": ds.title, "description": ds.description,
            "release": release.id, "rows": datasets.row_count(release, ds),
            "suppressed_small_counts": ds.suppressed,
            "columns": [{"name": c.name, "type": c.type, "description": c.description}
                        for c in cols]}


def dictionary_csv(found: dict) -> str:
    return BOM + csv_text(["column", "type", "description"],
                          [(c["name"], c["type"], c["description"]) for c in found["columns"]])
