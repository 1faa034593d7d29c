"""The provider's pages: deliver files, see one's deliveries and their feedback files. A
reviewer or an admin sees every provider's; a provider only its own codes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile

from connectors import SOURCES
from ioc_pipelines.core import access, deliveries, inbox
from ioc_pipelines.core.due import obligations
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.uploads import deliver_uploads
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.security import current, guarded, scope

router = APIRouter(include_in_schema=False)  # pages: not part of the JSON API


@guarded(router, "GET", "/deliveries", "delivery.read")
def list_page(request: Request):
    who = current(request)
    codes = access.visible_providers(who.actor.role, who.providers)
    settings = request.app.state.settings
    return page(request, "deliveries.html.j2", rows=deliveries.list_deliveries(settings, codes),
                held=inbox.held(settings, codes))


@guarded(router, "GET", "/due", "delivery.read")
def due_page(request: Request):
    """What is due: the contracts' expected deliveries of the caller's codes (every provider's
    for the liaison team and admins)."""
    who = current(request)
    codes = access.visible_providers(who.actor.role, who.providers)
    return page(request, "due.html.j2", obligations=obligations(request.app.state.settings, codes))


@guarded(router, "GET", "/deliveries/upload", "delivery.upload")
def upload_form(request: Request):
    return page(request, "upload.html.j2", sources=SOURCES)


@guarded(router, "POST", "/deliveries/upload", "delivery.upload")
async def upload(request: Request):
    who = current(request)
    form = await request.form()
    source, provider = str(form.get("source", "")), str(form.get("provider", ""))
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    scope(who, "delivery.upload", provider)
    try:
        outcomes = deliver_uploads(request.app.state.settings, who.actor, source=source,
                                   provider=provider, providers=who.providers,
                                   files=[(f.filename, f.file) for f in files])
    except CoreError as exc:
        return page(request, "upload.html.j2", 400, sources=SOURCES, error=str(exc))
    # the page answers every file (a refused one is content, not a failed request)
    return page(request, "upload.html.j2", sources=SOURCES, outcomes=outcomes, chosen=source)


@guarded(router, "GET", "/feedback/{provider}/{delivery_id}/{ext}", "delivery.read")
def feedback(request: Request, provider: str, delivery_id: str, ext: str):
    who = current(request)
    scope(who, "delivery.read", provider)
    path = deliveries.feedback_file(request.app.state.settings, who.actor, provider,
                                    delivery_id, ext)
    disposition = "inline" if ext == "html" else "attachment"
    return FileResponse(path, media_type=deliveries.FEEDBACK_FORMATS[ext],
                        content_disposition_type=disposition, filename=path.name)
