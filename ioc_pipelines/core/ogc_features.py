"""OGC API – Features, Part 1 (Core, GeoJSON) over the map layers an agency is granted: the
landing page, conformance, collections (extent: bounding box and time interval), items with
``bbox``, ``limit``/``offset`` paging links and ``datetime`` on layers that have a date, and a
single feature by its id — all at a release (the current one; ``release=N`` pins another),
read from the published lake, every items request audited. Coordinates are WGS84 lon/lat
(CRS84), as the marts store them."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from ioc_pipelines.core import audit, datasets, grants
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.datasets import Dataset
from ioc_pipelines.core.errors import CoreError, NotFound
from ioc_pipelines.core.publishing import Release, mart_grains, quote_ident, release_table
from ioc_pipelines.settings import Settings

CONFORMANCE = ["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT, MAX_LIMIT = 10, 10_000
ITEM_PARAMS = {"bbox", "limit", "offset", "datetime", "f", "release"}
GEOJSON = "application/geo+json"


class BadQuery(CoreError):
    """A malformed query parameter (a door answers 400)."""


def _link(href: str, rel: str, kind: str = "application/json", title: str = "") -> dict:
    return {"href": href, "rel": rel, "type": kind, **({"title": title} if title else {})}


def landing(base: str, title: str) -> dict:
    return {"title": title,
            "description": "Các lớp bản đồ được chia sẻ của Trung tâm điều hành thông minh "
                           "(OGC API – Features)",
            "links": [_link(f"{base}/ogc", "self"),
                      _link(f"{base}/api/openapi.json", "service-desc",
                            "application/vnd.oai.openapi+json;version=3.0"),
                      _link(f"{base}/api/docs", "service-doc", "text/html"),
                      _link(f"{base}/ogc/conformance", "conformance"),
                      _link(f"{base}/ogc/collections", "data")]}


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def layers(settings: Settings, account: Account, release: Release) -> list[Dataset]:
    """The map layers ``account`` is granted that ``release`` holds."""
    known = datasets.all_datasets()
    return [known[name] for name in grants.grants(settings, account)
            if name in release.tables and datasets.layer_in(settings, known[name], release)]


def _layer(settings: Settings, account: Account, name: str, release: Release) -> Dataset:
    ds = datasets.dataset(name)
    grants.require_grant(settings, account, ds.name)
    datasets.in_release(ds, release)
    if not datasets.layer_in(settings, ds, release):
        raise NotFound(f"{name} không phải lớp bản đồ (trong bản phát hành số {release.id})")
    return ds


_extents: dict[tuple, dict] = {}


def _extent(settings: Settings, name: str, release_id: int, geometry: str,
            temporal: str | None) -> dict:
    """Bounding box and time interval of a layer at a release (releases never change, so
    each is computed once per process)."""
    key = (str(settings.home), settings.published_catalog.ducklake_uri(), name, release_id)
    if key not in _extents:
        _extents[key] = _measure(settings, name, release_id, geometry, temporal)
    return _extents[key]


def _measure(settings: Settings, name: str, release_id: int, geometry: str,
             temporal: str | None) -> dict:
    table = release_table(name, release_id)
    with datasets.published(settings) as con:
        box = con.execute(f"SELECT min(ST_XMin({quote_ident(geometry)})), "
                          f"min(ST_YMin({quote_ident(geometry)})), "
                          f"max(ST_XMax({quote_ident(geometry)})), "
                          f"max(ST_YMax({quote_ident(geometry)})) FROM {table}").fetchone()
        interval = None
        if temporal:
            interval = con.execute(f"SELECT min({quote_ident(temporal)})::VARCHAR, "
                                   f"max({quote_ident(temporal)})::VARCHAR FROM {table}"
                                   ).fetchone()
    extent = {"spatial": {"bbox": [[round(v, 6) for v in box]] if None not in box else [],
                          "crs": CRS84}}
    if interval and None not in interval:
        extent["temporal"] = {"interval": [list(interval)],
                              "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return extent


def describe(settings: Settings, ds: Dataset, release: Release, base: str) -> dict:
    items = f"{base}/ogc/collections/{ds.name}/items"
    return {"id": ds.name, "title": ds.title, "description": ds.description,
            "itemType": "feature", "crs": [CRS84],
            "extent": _extent(settings, ds.name, release.id, ds.geometry, ds.temporal),
            "links": [_link(f"{base}/ogc/collections/{ds.name}", "self"),
                      _link(items, "items", GEOJSON, "Các đối tượng"),
                      _link(f"{base}/api/v1/datasets/{ds.name}/dictionary.json", "describedby",
                            title="Từ điển dữ liệu")]}


def collections(settings: Settings, account: Account, base: str,
                release_id: int | None = None) -> dict:
    release = datasets.release_for(settings, release_id)
    return {"links": [_link(f"{base}/ogc/collections", "self")],
            "collections": [describe(settings, ds, release, base)
                            for ds in layers(settings, account, release)]}


def collection(settings: Settings, account: Account, name: str, base: str,
               release_id: int | None = None) -> dict:
    release = datasets.release_for(settings, release_id)
    return describe(settings, _layer(settings, account, name, release), release, base)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise BadQuery("bbox phải là 4 số: kinh độ nhỏ nhất, vĩ độ nhỏ nhất, kinh độ lớn "
                       "nhất, vĩ độ lớn nhất") from None
    if len(values) == 6:  # minx, miny, minz, maxx, maxy, maxz
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4 or values[0] > values[2] or values[1] > values[3]:
        raise BadQuery("bbox phải là 4 số: minLon,minLat,maxLon,maxLat")
    return values[0], values[1], values[2], values[3]


def _instant(text: str) -> datetime | None:
    if text in {"", ".."}:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"datetime {text!r} không theo RFC 3339") from None


def _datetime(text: str | None) -> tuple[datetime | None, datetime | None] | None:
    if text is None:
        return None
    if "/" in text:
        start, end = (_instant(part) for part in text.split("/", 1))
        if start is None and end is None:
            raise BadQuery("datetime '../..' không giới hạn gì")
        return start, end
    moment = _instant(text)
    return moment, moment


def _int(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if not re.fullmatch(r"\d+", text.strip()):
        raise BadQuery(f"{name} phải là số nguyên không âm")
    return min(max(int(text), low), high)


def _value(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _key(ds: Dataset) -> str:
    grain = mart_grains().get(ds.name) or ()
    return grain[0] if len(grain) == 1 else ds.geometry


def items(settings: Settings, actor: Actor, account: Account, name: str, params: dict,
          base: str) -> dict:
    """A page of a layer's features as a GeoJSON FeatureCollection with paging links."""
    unknown = sorted(set(params) - ITEM_PARAMS)
    if unknown:
        raise BadQuery(f"tham số không có: {', '.join(unknown)} (có: "
                       f"{', '.join(sorted(ITEM_PARAMS))})")
    with audit.audited(settings, actor, "share.ogc.items", name,
                       {k: params[k] for k in sorted(params)}) as said:
        release = datasets.release_for(settings, _int(params.get("release"), "release", 0, 0,
                                                      10**12) or None)
        ds = _layer(settings, account, name, release)
        box = _bbox(params.get("bbox"))
        span = _datetime(params.get("datetime"))
        limit = _int(params.get("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int(params.get("offset"), "offset", 0, 0, 10**12)
        where, args = _filters(ds, box, span)
        page, matched = _page(settings, ds, release, where, args, limit, offset)
        said.update(release=release.id, returned=len(page["features"]), matched=matched)
    query = {k: v for k, v in params.items() if k not in {"offset", "limit"}}
    links = [_link(_url(base, name, {**query, "limit": limit, "offset": offset}), "self",
                   GEOJSON),
             _link(f"{base}/ogc/collections/{name}", "collection")]
    if offset + limit < matched:
        links.append(_link(_url(base, name, {**query, "limit": limit,
                                             "offset": offset + limit}), "next", GEOJSON))
    if offset > 0:
        links.append(_link(_url(base, name, {**query, "limit": limit,
                                             "offset": max(offset - limit, 0)}), "prev",
                           GEOJSON))
    return {"type": "FeatureCollection", **page, "numberMatched": matched,
            "numberReturned": len(page["features"]),
            "timeStamp": datetime.now().astimezone().isoformat(timespec="seconds"),
            "links": links}


def _url(base: str, name: str, query: dict) -> str:
    from urllib.parse import urlencode

    return f"{base}/ogc/collections/{name}/items?{urlencode(query)}"


def _filters(ds: Dataset, box, span) -> tuple[list[str], list]:
    where, args = [], []
    if box is not None:
        where.append(f"ST_Intersects({quote_ident(ds.geometry)}, ST_MakeEnvelope(?, ?, ?, ?))")
        args.extend(box)
    if span is not None and ds.temporal:
        column = f"CAST({quote_ident(ds.temporal)} AS TIMESTAMPTZ)"
        if span[0] is not None:
            where.append(f"{column} >= ?")
            args.append(span[0] if span[0].tzinfo else span[0].astimezone())
        if span[1] is not None:
            end = span[1]
            if end.time() == datetime.min.time() and span[0] == span[1]:
                end = end.replace(hour=23, minute=59, second=59)  # a day asked for: all of it
            where.append(f"{column} <= ?")
            args.append(end if end.tzinfo else end.astimezone())
    return where, args


def _page(settings: Settings, ds: Dataset, release: Release, where: list[str], args: list,
          limit: int, offset: int) -> tuple[dict, int]:
    cols = datasets.columns(settings, ds, release)
    table = release_table(ds.name, release.id)
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    key = _key(ds)
    with datasets.published(settings) as con:
        matched = con.execute(f"SELECT count(*) FROM {table}{condition}", args).fetchone()[0]
        select = ", ".join(f"ST_AsGeoJSON({quote_ident(c.name)})" if c.type == "GEOMETRY"
                           else quote_ident(c.name) for c in cols)
        rows = con.execute(f"SELECT {select} FROM {table}{condition} ORDER BY "
                           f"{quote_ident(key)} LIMIT {int(limit)} OFFSET {int(offset)}",
                           args).fetchall()
    return {"features": [_feature(ds, cols, row, key) for row in rows]}, int(matched)


def _feature(ds: Dataset, cols, row, key: str) -> dict:
    values = dict(zip([c.name for c in cols], row, strict=True))
    geometry = values.pop(ds.geometry)
    return {"type": "Feature", "id": values.get(key),
            "geometry": json.loads(geometry) if geometry else None,
            "properties": {k: _value(v) for k, v in values.items()}}


def item(settings: Settings, actor: Actor, account: Account, name: str, feature_id: str,
         base: str, release_id: int | None = None) -> dict:
    with audit.audited(settings, actor, "share.ogc.item", f"{name}/{feature_id}") as said:
        release = datasets.release_for(settings, release_id)
        ds = _layer(settings, account, name, release)
        key = _key(ds)
        page, matched = _page(settings, ds, release, [f"{quote_ident(key)}::VARCHAR = ?"],
                              [feature_id], 1, 0)
        said["release"] = release.id
        if not page["features"]:
            raise NotFound(f"lớp {name} không có đối tượng {feature_id!r}")
    feature = page["features"][0]
    feature["links"] = [_link(f"{base}/ogc/collections/{name}/items/{feature_id}", "self",
                              GEOJSON),
                        _link(f"{base}/ogc/collections/{name}", "collection")]
    return feature
