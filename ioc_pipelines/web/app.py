"""The portal and JSON API (``ioc serve``): FastAPI on uvicorn, server-rendered Vietnamese
pages, OpenAPI docs at /api/docs. Every route is a thin caller of ``ioc_pipelines.core``;
refusals become 401 (not logged in), 403 (not allowed) or 400 (the core refused), each with
the reason, as a page or as JSON."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from ioc_pipelines.core import inbox
from ioc_pipelines.core.access import Forbidden
from ioc_pipelines.core.errors import Busy, CoreError, NotFound, RateLimited
from ioc_pipelines.settings import Settings
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.routes import (
    admin,
    api,
    auth,
    deliveries,
    delta_sharing,
    live,
    ogc,
    review,
    sharing,
    sharing_pages,
)
from ioc_pipelines.web.security import NeedLogin, Refused

STATIC = Path(__file__).with_name("static")
ROUTERS = (auth.router, deliveries.router, review.router, admin.router, sharing_pages.router,
           live.router, api.router, sharing.router, sharing.catalog_router, delta_sharing.router, ogc.router)
SHARING = ("/delta-sharing/", "/ogc")  # open protocols: errors as each protocol's JSON
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", *SHARING))


ERROR_CODES = {400: "INVALID_PARAMETER_VALUE", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
               404: "RESOURCE_DOES_NOT_EXIST", 429: "RESOURCE_EXHAUSTED",
               503: "TEMPORARILY_UNAVAILABLE"}


def _json_error(request: Request, text: str, code: int, headers: dict | None = None):
    """An error of the JSON API ({"detail"}) or of a sharing protocol ({"errorCode",
    "message"}, as Delta Sharing clients expect)."""
    name = ERROR_CODES.get(code, "INTERNAL_ERROR")
    path = request.url.path
    body = ({"code": name, "description": text} if path.startswith("/ogc")  # OGC exception
            else {"errorCode": name, "message": text} if path.startswith(SHARING)
            else {"detail": text})
    return JSONResponse(body, status_code=code, headers=headers)


INBOX_SECONDS = 5  # how often the portal looks for held uploads to land


def _land_held_uploads(settings: Settings, stop: threading.Event) -> None:
    """Uploads held while the home was busy are landed as soon as the lock is free."""
    while not stop.wait(INBOX_SECONDS):
        try:
            inbox.land_held_if_free(settings)
        except Exception:  # noqa: BLE001 — logged; the next round tries again
            logging.getLogger("ioc.portal").exception("landing held uploads failed")


def create_app(settings: Settings) -> FastAPI:
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_app):
        worker = threading.Thread(target=_land_held_uploads, args=(settings, stop),
                                  name="ioc-inbox", daemon=True)
        worker.start()
        yield
        stop.set()

    # the OpenAPI page with Swagger UI served from the package, not a CDN (no internet)
    app = FastAPIOffline(title="Cổng dữ liệu IOC",
                         summary="Portal and JSON API of the IOC lakehouse",
                         docs_url="/api/docs", redoc_url=None, lifespan=lifespan,
                         openapi_url="/api/openapi.json", static_url="/api/docs-static")
    app.state.settings = settings

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            if name == "Content-Security-Policy" and request.url.path == "/api/docs":
                continue  # Swagger UI runs its own scripts from its bundle
            response.headers.setdefault(name, value)  # a route may set its own (cache)
        return response

    @app.exception_handler(NeedLogin)
    async def need_login(request: Request, _exc: NeedLogin):
        if _is_api(request):
            return _json_error(request, "chưa đăng nhập hoặc token không hợp lệ", 401,
                               {"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        if _is_api(request):
            return _json_error(request, str(exc), 403)
        return page(request, "refused.html.j2", 403, reason=str(exc))

    @app.exception_handler(CoreError)
    async def core_refused(request: Request, exc: CoreError):
        text = ("Hệ thống đang chạy một thao tác khác (" + str(exc) + "); thử lại sau ít phút."
                if isinstance(exc, Busy) else str(exc))
        code = (503 if isinstance(exc, Busy) else 403 if isinstance(exc, Forbidden)
                else 404 if isinstance(exc, NotFound) else 429 if isinstance(exc, RateLimited)
                else 400)
        headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited)
                   else None)
        if _is_api(request):
            return _json_error(request, text, code, headers)
        return page(request, "refused.html.j2", code, reason=text)

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    """Run the portal until interrupted (uvicorn, one process; TLS is terminated in front)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host or settings.portal_host,
                port=port or settings.portal_port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", log_level="info", access_log=True)
