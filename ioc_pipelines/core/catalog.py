"""The DCAT-AP 3 catalogue of the published warehouse (JSON-LD, at a stable URL): one
``dcat:Dataset`` per published dataset — title and description in Vietnamese, publisher,
contact point, licence, access rights (public for the default sharing list, restricted for
those given on request), temporal coverage (from the dataset's time column in the current
release), spatial coverage (the province's bounding box), update frequency, the release as its
version — and one ``dcat:Distribution`` per format and protocol that serves it. Data portals
(the national open-data portal, CKAN, data.europa.eu-style harvesters) read it as it is."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from ioc_pipelines.core import datasets, grants
from ioc_pipelines.core.datasets import Dataset
from ioc_pipelines.core.delta_sharing import SCHEMA, SHARE
from ioc_pipelines.core.publishing import Release, current_release, quote_ident, release_table
from ioc_pipelines.provinces import provinces
from ioc_pipelines.settings import Settings

EU = "http://publications.europa.eu/resource/authority/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#", "gsp": "http://www.opengis.net/ont/geosparql#",
    "dcatap": "http://data.europa.eu/r5r/",
}
FILE_TYPES = {"csv": ("CSV", "text/csv"),
              "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml"
                               ".sheet"),
              "parquet": ("PARQUET", "application/vnd.apache.parquet"),
              "geojson": ("GEOJSON", "application/geo+json")}
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def _literal(value: str, language: str = "vi") -> dict:
    return {"@value": value, "@language": language}


def _typed(value: str, kind: str) -> dict:
    return {"@value": value, "@type": f"xsd:{kind}"}


def period_dates(text: str) -> tuple[date, date] | None:
    """The first and last day of a period as the marts write it (2026-11-05, 2026-11,
    2026-Q3, 2026-H1, 2026) or of a date/time value; None when it is none of these."""
    text = str(text).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})([ T].*)?", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if m := re.fullmatch(r"(\d{4})-([QH])(\d)", text):
        year, months = int(m[1]), 3 if m[2] == "Q" else 6
        first = (int(m[3]) - 1) * months + 1
        last = first + months - 1
        return date(year, first, 1), date(year, last, monthrange(year, last)[1])
    if m := re.fullmatch(r"(\d{4})", text):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    return None


def _coverage(settings: Settings, release: Release) -> tuple[dict, list]:
    """Per dataset its (first, last) day, and the province's bounding box."""
    spans, box = {}, []
    known = datasets.all_datasets()
    with datasets.published(settings) as con:
        for name, ds in known.items():
            if ds.temporal and name in release.tables:
                low, high = con.execute(
                    f"SELECT min({quote_ident(ds.temporal)})::VARCHAR, "
                    f"max({quote_ident(ds.temporal)})::VARCHAR "
                    f"FROM {release_table(name, release.id)}").fetchone()
                first, last = (period_dates(low) if low else None), (
                    period_dates(high) if high else None)
                if first and last:
                    spans[name] = (first[0], last[1])
        if "dim_admin_units" in release.tables:
            box = list(con.execute(
                "SELECT min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)), "
                f"max(ST_YMax(geom)) FROM {release_table('dim_admin_units', release.id)}"
            ).fetchone())
    return spans, box


def _bbox_wkt(box: list) -> str:
    x1, y1, x2, y2 = (round(v, 5) for v in box)
    return f"POLYGON(({x1} {y1},{x2} {y1},{x2} {y2},{x1} {y2},{x1} {y1}))"


def catalog(settings: Settings, base_url: str) -> dict:
    """The catalogue as a JSON-LD document."""
    base = base_url.rstrip("/")
    named = provinces()[settings.province_code]
    province = named.title  # tỉnh …, thành phố …
    release = current_release(settings)
    publisher = {"@id": f"{base}/catalog.jsonld#publisher", "@type": "foaf:Agent",
                 "foaf:name": _literal(f"Trung tâm Giám sát, điều hành thông minh "
                                       f"{province}"),
                 "dct:type": {"@id": "http://purl.org/adms/publishertype/RegionalAuthority"}}
    contact = {"@id": f"{base}/catalog.jsonld#contact", "@type": ["vcard:Kind", "vcard:Organization"],
               "vcard:fn": _literal(f"Tổ liên ngành phân tích dữ liệu {province}"),
               "vcard:hasURL": {"@id": f"{base}/"}}
    spatial = None
    items = []
    if release is not None:
        spans, box = _coverage(settings, release)
        if box and None not in box:
            spatial = {"@id": f"{base}/catalog.jsonld#province", "@type": "dct:Location",
                       "locn:geographicName": _literal(named.full_name),
                       "dcat:bbox": {"@value": _bbox_wkt(box), "@type": "gsp:wktLiteral"}}
        public = set(grants.default_datasets(settings))
        for name, ds in datasets.all_datasets().items():
            if name in release.tables:
                items.append(_dataset(base, ds, release, spans.get(name), name in public,
                                      publisher["@id"], contact["@id"],
                                      spatial["@id"] if spatial else None))
    catalog_node = {
        "@id": f"{base}/catalog.jsonld", "@type": "dcat:Catalog",
        "dct:title": _literal(f"Kho dữ liệu dùng chung {province}"),
        "dct:description": _literal(
            "Các bộ dữ liệu đã được kiểm tra chất lượng và công bố của Trung tâm điều hành "
            f"thông minh {province}: chia sẻ cho cơ quan, đơn vị theo danh sách mặc "
            "định hoặc theo yêu cầu, qua Delta Sharing, OGC API – Features và tải về."),
        "dct:publisher": {"@id": publisher["@id"]},
        "dcat:contactPoint": {"@id": contact["@id"]},
        "foaf:homepage": {"@id": f"{base}/"},
        "dct:language": {"@id": f"{EU}language/VIE"},
        "dct:license": {"@id": LICENCE},
        "dcat:dataset": [{"@id": d["@id"]} for d in items],
    }
    if release is not None:
        catalog_node["dct:modified"] = _typed(release.published_at.date().isoformat(), "date")
    if spatial:
        catalog_node["dct:spatial"] = {"@id": spatial["@id"]}
    graph = [catalog_node, publisher, contact, *([spatial] if spatial else [])]
    for item in items:
        graph.extend(item.pop("_nodes"))
        graph.append(item)
    return {"@context": CONTEXT, "@graph": graph}


def _dataset(base: str, ds: Dataset, release: Release, span: tuple[date, date] | None,
             public: bool, publisher: str, contact: str, spatial: str | None) -> dict:
    node_id = f"{base}/catalog.jsonld#dataset-{ds.name}"
    formats = ["csv", "xlsx", "parquet"] + (["geojson"] if ds.is_layer else [])
    distributions = []
    for fmt in formats:
        kind, media = FILE_TYPES[fmt]
        url = f"{base}/api/v1/datasets/{ds.name}.{fmt}"
        distributions.append({
            "@id": f"{node_id}-{fmt}", "@type": "dcat:Distribution",
            "dct:title": _literal(f"{ds.title} ({kind})"),
            "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url},
            "dct:format": {"@id": f"{EU}file-type/{kind}"},
            "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
            "dct:license": {"@id": LICENCE}})
    distributions.append({
        "@id": f"{node_id}-delta-sharing", "@type": "dcat:Distribution",
        "dct:title": _literal(f"{ds.title} (Delta Sharing: {SHARE}.{SCHEMA}.{ds.name})"),
        "dcat:accessURL": {"@id": f"{base}/delta-sharing"},
        "dct:conformsTo": {"@id": "https://github.com/delta-io/delta-sharing/blob/main/"
                                  "PROTOCOL.md"},
        "dct:license": {"@id": LICENCE}})
    if ds.is_layer:
        distributions.append({
            "@id": f"{node_id}-ogc", "@type": "dcat:Distribution",
            "dct:title": _literal(f"{ds.title} (OGC API – Features)"),
            "dcat:accessURL": {"@id": f"{base}/ogc/collections/{ds.name}"},
            "dct:conformsTo": {"@id": "http://www.opengis.net/spec/ogcapi-features-1/1.0"},
            "dct:license": {"@id": LICENCE}})
    node = {
        "@id": node_id, "@type": "dcat:Dataset",
        "dct:identifier": ds.name,
        "dct:title": _literal(ds.title),
        "dct:description": _literal(ds.description),
        "dct:publisher": {"@id": publisher},
        "dcat:contactPoint": {"@id": contact},
        "dcat:theme": {"@id": f"{EU}data-theme/{ds.theme}"},
        "dct:accrualPeriodicity": {"@id": f"{EU}frequency/{ds.frequency}"},
        "dct:accessRights": {"@id": f"{EU}access-right/" + ("PUBLIC" if public
                                                            else "RESTRICTED")},
        "dct:language": {"@id": f"{EU}language/VIE"},
        "dcat:version": str(release.id),
        "adms:versionNotes": _literal(f"Bản phát hành số {release.id}"),
        "dct:modified": _typed(release.published_at.date().isoformat(), "date"),
        "foaf:page": {"@id": f"{base}/api/v1/datasets/{ds.name}/dictionary.json"},
        "dcat:distribution": [{"@id": d["@id"]} for d in distributions],
        "_nodes": distributions,
    }
    if spatial:
        node["dct:spatial"] = {"@id": spatial}
    if span:
        period = {"@id": f"{node_id}-period", "@type": "dct:PeriodOfTime",
                  "dcat:startDate": _typed(span[0].isoformat(), "date"),
                  "dcat:endDate": _typed(span[1].isoformat(), "date")}
        node["dct:temporal"] = {"@id": period["@id"]}
        node["_nodes"] = [*distributions, period]
    return node
