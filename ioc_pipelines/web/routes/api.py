"""The JSON API (OpenAPI docs at /api/docs): what a provider's own system needs — who am I,
my deliveries, deliver files — with an API token (``Authorization: Bearer ioc_…``) or the
portal's session (then with the ``X-CSRF-Token`` header on a POST)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ioc_pipelines.core import access, deliveries
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.uploads import deliver_uploads
from ioc_pipelines.web.security import current, guarded, scope

router = APIRouter(prefix="/api/v1", tags=["api"])


@guarded(router, "GET", "/me", "portal.use")
def me(request: Request) -> dict:
    who = current(request)
    return {"username": who.account.username, "full_name": who.account.full_name,
            "unit": who.account.unit, "role": who.actor.role, "providers": list(who.providers),
            "via": who.actor.via}


@guarded(router, "GET", "/deliveries", "delivery.read")
def list_deliveries(request: Request) -> list[dict]:
    who = current(request)
    rows = deliveries.list_deliveries(request.app.state.settings,
                                      access.visible_providers(who.actor.role, who.providers))
    return [{k: (str(v) if v is not None and k.endswith(("_at", "_date")) else v)
             for k, v in row.items()} for row in rows]


@guarded(router, "POST", "/deliveries/{source}", "delivery.upload")
def deliver(request: Request, source: str, provider: Annotated[str, Form()],
            files: Annotated[list[UploadFile], File()]):
    """Deliver one or many files of ``source`` for ``provider`` (one of the token's codes).
    Each file is answered: landed (its delivery, the records read per table, the encoding
    detected) or refused with the reason; 422 when any was refused."""
    who = current(request)
    scope(who, "delivery.upload", provider)
    outcomes = deliver_uploads(request.app.state.settings, who.actor, source=source,
                               provider=provider, providers=who.providers,
                               files=[(f.filename or "", f.file) for f in files])
    body = [{"file": o.file.rsplit("/", 1)[-1], "accepted": o.error is None,
             "reason": o.error.reason_vi if o.error else None,
             "reason_en": o.error.reason if o.error else None,
             "delivery_id": o.landed.delivery_id if o.landed else None,
             "status": o.landed.status if o.landed else "refused",
             "records": o.landed.records if o.landed else {},
             "encoding": o.landed.encoding if o.landed else None,
             "detail": o.landed.detail if o.landed else None} for o in outcomes]
    return JSONResponse(body, status_code=200 if all(b["accepted"] for b in body) else 422)


@guarded(router, "POST", "/live/ngsi-ld/notify", "delivery.upload")
async def ngsi_ld_notify(request: Request, provider: str | None = None):
    """The endpoint a FIWARE context broker's NGSI-LD subscription notifies (``notification.
    endpoint.uri``, with the API token in ``receiverInfo`` as ``Authorization: Bearer …``):
    the notified entities are read by the IoT connector and kept for ``ioc live``'s next
    batch. ``provider``: one of the token's codes (default: its only one). 200 with what was
    read; 400 with the reason when the payload cannot be read (it is kept, refused)."""
    from ioc_pipelines.core import live_intake

    who = current(request)
    code = (provider or (who.providers[0] if len(who.providers) == 1 else "")).strip().upper()
    if not code:
        raise CoreError("provider=… is required: this token may deliver for "
                        f"{', '.join(who.providers) or 'no provider'}")
    scope(who, "delivery.upload", code)
    got = await run_in_threadpool(live_intake.receive, request.app.state.settings, channel="ngsi-ld",
                                  origin=None, provider=code, payload=await request.body())
    return {"accepted": True, "spooled": got.seq, "readings": got.readings,
            "sensors": got.sensors}
