"""The datasets other agencies may receive: the published marts, as the dbt project describes
them (title and description in Vietnamese, theme, update frequency, time and place columns, in
each mart's ``meta.dataset``), read from a pinned release of the published lake — never the
work lake. A mart with a column that could hold personal data (a citizen ID, a person's name, a
birth date, an exact house position) is not shareable at all, whatever a grant says.

A release's table is exported once to a Parquet file under ``$IOC_HOME/sharing/exports``
(releases never change, so the file never goes stale): every protocol that hands out files
(Delta Sharing, the Parquet download) serves that file, streamed from disk."""

from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ioc_pipelines.core.errors import NotFound
from ioc_pipelines.core.publishing import (
    Release,
    _published_nodes,
    current_release,
    get_release,
    mart_descriptions,
    quote_ident,
    release_table,
)
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

# column names that would carry personal data out of the IOC (never in a shared table)
PERSONAL = re.compile(r"(citizen|cccd|cmnd|full_name|person_name|ho_ten|birth_date|ngay_sinh|"
                      r"phone|dien_thoai|email|address|dia_chi|house_id|household_id|"
                      r"^lon$|^lat$|^longitude$|^latitude$)", re.IGNORECASE)
# exact positions are fine for public things (a school, a sensor, a road), not for homes
EXACT_POSITION_OK = {"map_points_of_interest", "dim_sensors", "dim_admin_units"}


class DatasetError(NotFound):
    """No such shareable dataset, or not in that release."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB's type name
    description: str


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str  # Vietnamese
    description: str  # Vietnamese
    description_en: str  # dbt's description
    theme: str
    frequency: str  # a Dublin Core frequency name: daily, monthly, …
    temporal: str | None  # the column that dates a row, if any
    geometry: str | None  # the geometry column of a map layer, if any
    suppressed: bool  # small counts are suppressed in the mart
    column_docs: dict[str, str] = field(default_factory=dict)

    @property
    def is_layer(self) -> bool:
        return self.geometry is not None


def personal_columns(name: str, columns: list[str]) -> list[str]:
    """The columns of mart ``name`` that could carry personal data."""
    found = []
    for column in columns:
        if PERSONAL.search(column) and not (
                name in EXACT_POSITION_OK and column.lower() in {"lon", "lat", "longitude",
                                                                 "latitude"}):
            found.append(column)
    return found


def all_datasets() -> dict[str, Dataset]:
    """Every published mart that may be shared, by name (a mart with a personal column is left
    out: it cannot be shared by any grant)."""
    out = {}
    described = mart_descriptions()
    for node in _published_nodes():
        meta = (node.get("config", {}).get("meta") or {}).get("dataset") or {}
        text, docs = described[node["name"]]
        if personal_columns(node["name"], list(docs)):
            continue
        description_en = " ".join(text.split())
        out[node["name"]] = Dataset(
            name=node["name"], title=meta.get("title") or node["name"],
            description=meta.get("description") or description_en,
            description_en=description_en, theme=meta.get("theme", "khác"),
            frequency=meta.get("frequency", "irregular"), temporal=meta.get("temporal"),
            geometry="geom" if "geom" in docs else None,
            suppressed=bool(meta.get("suppressed")), column_docs=docs)
    return dict(sorted(out.items()))


def dataset(name: str) -> Dataset:
    found = all_datasets().get(name)
    if found is None:
        raise DatasetError(f"không có bộ dữ liệu được phép chia sẻ tên {name!r}")
    return found


def release_for(settings: Settings, release_id: int | None) -> Release:
    """The release asked for (the current one by default); a clear error when none."""
    release = (current_release(settings) if release_id is None
               else get_release(settings, int(release_id)))
    if release is None:
        raise DatasetError("chưa có bản phát hành nào" if release_id is None
                           else f"không có bản phát hành số {release_id}")
    return release


def in_release(ds: Dataset, release: Release) -> None:
    if ds.name not in release.tables:
        raise DatasetError(f"bản phát hành số {release.id} không có bộ dữ liệu {ds.name}")


# how a published type is shared: 128-bit sums as 64-bit integers (every reader has those;
# Parquet has no 128-bit integer and would write a double)
SHARED_TYPE = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT"}


@contextmanager
def published(settings: Settings):
    """A read-only connection to the published lake with the spatial functions loaded: what
    every sharing protocol reads through."""
    from ioc_pipelines.resources.extensions import ensure_extensions

    with connect(settings, work=False, published=True) as con:
        ensure_extensions(con, ["spatial"])
        yield con


_columns: dict[tuple, list[Column]] = {}


def columns(settings: Settings, ds: Dataset, release: Release) -> list[Column]:
    """The dataset's columns as shared from ``release`` (their type as shared), with their dbt
    descriptions — read once per process: a release never changes."""
    in_release(ds, release)
    key = (settings.published_catalog.ducklake_uri(), release.id, ds.name)
    if key not in _columns:
        with connect(settings, work=False, published=True) as con:
            rel = con.sql(f"SELECT * FROM {release_table(ds.name, release.id)} LIMIT 0")
            _columns[key] = [Column(name, SHARED_TYPE.get(str(kind), str(kind)),
                                    ds.column_docs.get(name, ""))
                             for name, kind in zip(rel.columns, rel.types, strict=True)]
    return list(_columns[key])


def layer_in(settings: Settings, ds: Dataset, release: Release) -> bool:
    """Whether ``ds`` is a map layer in ``release`` (an older release may predate its
    geometry column)."""
    return ds.is_layer and any(c.name == ds.geometry and c.type == "GEOMETRY"
                               for c in columns(settings, ds, release))


def select_sql(ds: Dataset, release: Release, cols: list[Column], *,
               geometry: str = "wkb") -> str:
    """SELECT of the shared columns at ``release``, each as its shared type; a geometry as WKB
    bytes (any Parquet reader takes them), WKT or GeoJSON text (``geometry="wkt"|"geojson"``)."""
    as_text = {"wkb": "ST_AsWKB", "wkt": "ST_AsText", "geojson": "ST_AsGeoJSON"}[geometry]

    def expression(c: Column) -> str:
        name = quote_ident(c.name)
        if c.type == "GEOMETRY":
            return f"{as_text}({name}) AS {name}"
        return f"CAST({name} AS BIGINT) AS {name}" if c.type == "BIGINT" else name

    return (f"SELECT {', '.join(expression(c) for c in cols)} "
            f"FROM {release_table(ds.name, release.id)}")


_export_lock = threading.Lock()


def export_parquet(settings: Settings, ds: Dataset, release: Release) -> Path:
    """The dataset at ``release`` as one Parquet file (made once, then reused)."""
    in_release(ds, release)
    target = settings.home / "sharing" / "exports" / f"r{release.id}" / f"{ds.name}.parquet"
    if target.is_file():
        return target
    with _export_lock:  # one export at a time: it is a full scan of the table
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        query = select_sql(ds, release, columns(settings, ds, release))
        with published(settings) as con:
            con.execute(f"COPY ({query}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd, "
                        "ROW_GROUP_SIZE 100000)")
        os.replace(partial, target)  # readers never see a half-written file
    return target


def row_count(release: Release, ds: Dataset) -> int:
    return int(release.tables.get(ds.name, 0))
