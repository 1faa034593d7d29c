"""OGC API – Features at ``/ogc`` for GIS tools (QGIS, ArcGIS, OWSLib …): the map layers an
agency is granted, as GeoJSON, with the agency's token (``Authorization: Bearer``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ioc_pipelines.core import ogc_features
from ioc_pipelines.reports.rendering import province_title
from ioc_pipelines.web.security import counted, guarded

router = APIRouter(prefix="/ogc", tags=["ogc-api-features"])



def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _release(request: Request) -> int | None:
    text = request.query_params.get("release")
    return int(text) if text and text.isdigit() else None


@guarded(router, "GET", "", "share.read")
def landing_page(request: Request) -> dict:
    counted(request)
    settings = request.app.state.settings
    return ogc_features.landing(_base(request),
                                f"Bản đồ dùng chung — {province_title(settings)}")


@guarded(router, "GET", "/conformance", "share.read")
def conformance(request: Request) -> dict:
    counted(request)
    return ogc_features.conformance()


@guarded(router, "GET", "/collections", "share.read")
def collections(request: Request) -> dict:
    who = counted(request)
    return ogc_features.collections(request.app.state.settings, who.account, _base(request),
                                    _release(request))


@guarded(router, "GET", "/collections/{name}", "share.read")
def collection(request: Request, name: str) -> dict:
    who = counted(request)
    return ogc_features.collection(request.app.state.settings, who.account, name,
                                   _base(request), _release(request))


@guarded(router, "GET", "/collections/{name}/items", "share.read")
def items(request: Request, name: str) -> JSONResponse:
    """Features of a layer: ``bbox``, ``limit`` (≤ 10 000), ``offset``, ``datetime``."""
    who = counted(request)
    page = ogc_features.items(request.app.state.settings, who.actor, who.account, name,
                              dict(request.query_params), _base(request))
    return JSONResponse(page, media_type=ogc_features.GEOJSON)


@guarded(router, "GET", "/collections/{name}/items/{feature_id}", "share.read")
def item(request: Request, name: str, feature_id: str) -> JSONResponse:
    who = counted(request)
    found = ogc_features.item(request.app.state.settings, who.actor, who.account, name,
                              feature_id, _base(request), _release(request))
    return JSONResponse(found, media_type=ogc_features.GEOJSON)
