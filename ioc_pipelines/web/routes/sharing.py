"""Downloads for agencies, in the JSON API (an agency's token, or its portal session): the
datasets it may receive, each at a release (the current one by default) as CSV (UTF-8 with a
BOM), XLSX, Parquet or GeoJSON (map layers), with the data dictionary beside each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from ioc_pipelines.core import catalog, downloads, sharing
from ioc_pipelines.web.security import counted, guarded

router = APIRouter(prefix="/api/v1", tags=["sharing"])
catalog_router = APIRouter(tags=["catalog"])



@guarded(router, "GET", "/datasets", "share.read")
def list_datasets(request: Request) -> dict:
    """The datasets this agency receives (the default list and its live grants), with the
    current release and where to fetch each format."""
    who = counted(request)
    return sharing.offer(request.app.state.settings, who.actor, who.account,
                         str(request.base_url))


@guarded(router, "GET", "/datasets/{name}.{fmt}", "share.read")
def download(request: Request, name: str, fmt: str, release: int | None = None):
    """One dataset as a file (``fmt``: csv, xlsx, parquet, geojson), streamed from disk."""
    who = counted(request)
    found = downloads.download(request.app.state.settings, who.actor, who.account, name, fmt,
                               release)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename)


@guarded(router, "GET", "/datasets/{name}/dictionary.{fmt}", "share.read")
def dictionary(request: Request, name: str, fmt: str, release: int | None = None):
    """What each column holds (name, type, description), as JSON or CSV."""
    who = counted(request)
    found = downloads.dictionary(request.app.state.settings, who.actor, who.account, name,
                                 release)
    if fmt == "csv":
        return Response(downloads.dictionary_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{name}-tu-dien.csv"'})
    if fmt != "json":
        return JSONResponse({"detail": "từ điển dữ liệu có dạng json hoặc csv"},
                            status_code=404)
    return found



# public, like a data portal's catalogue: it describes what is published, it holds no data
@catalog_router.get("/catalog.jsonld")
def dcat_catalog(request: Request) -> JSONResponse:
    """The DCAT-AP 3 catalogue of the published datasets (JSON-LD)."""
    found = catalog.catalog(request.app.state.settings, str(request.base_url))
    return JSONResponse(found, media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=300"})
