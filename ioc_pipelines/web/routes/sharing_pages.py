"""The sharing pages of the portal. An agency: what it receives (with every link), what it may
ask for, its requests and their decisions, a Delta Sharing profile file (a fresh token, shown
once). An admin: the requests to decide — approve until an end date, refuse with a reason,
revoke a grant. Everyone: their inbox. All of it the core's ``grants`` and ``sharing``."""

from __future__ import annotations

import json
from datetime import date, timedelta

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ioc_pipelines import clock
from ioc_pipelines.core import alerts, datasets, delta_sharing, grants, notices, sharing, tokens
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.security import current, guarded

router = APIRouter(include_in_schema=False)  # pages


def _agency_page(request: Request, status_code: int = 200, **context):
    settings, who = request.app.state.settings, current(request)
    offer = sharing.offer(settings, who.actor, who.account, str(request.base_url))
    granted = {d["name"] for d in offer["datasets"]}
    askable = [ds for name, ds in datasets.all_datasets().items() if name not in granted]
    return page(request, "sharing.html.j2", status_code, offer=offer, askable=askable,
                requests=grants.list_requests(settings, account=who.account),
                base=str(request.base_url).rstrip("/"), **context)


@guarded(router, "GET", "/sharing", "share.read")
def sharing_page(request: Request):
    return _agency_page(request)


@guarded(router, "POST", "/sharing/requests", "share.request")
def ask(request: Request, dataset: str = Form(""), purpose: str = Form(""),
        legal_basis: str = Form(""), period: str = Form("")):
    settings, who = request.app.state.settings, current(request)
    try:
        made = grants.request_dataset(settings, who.actor, who.account, dataset,
                                      purpose=purpose, legal_basis=legal_basis, period=period)
    except CoreError as exc:
        return _agency_page(request, 400, error=str(exc))
    return _agency_page(request, message=f"Đã gửi yêu cầu số {made.request_id} "
                        f"({made.dataset}); quản trị viên sẽ quyết định.")


@guarded(router, "POST", "/sharing/profile", "share.read")
def profile(request: Request, days: int = Form(90)):
    """A Delta Sharing profile file with a new token of this agency (shown this once)."""
    settings, who = request.app.state.settings, current(request)
    text, token = tokens.create(settings, who.actor, who.account.username,
                                "Delta Sharing profile", days=max(1, min(days, 365)))
    body = delta_sharing.profile(str(request.base_url), text,
                                 token.expires_at.isoformat(timespec="seconds"))
    return Response(json.dumps(body, indent=2), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="ioc.share"'})


def _admin_page(request: Request, status_code: int = 200, **context):
    settings = request.app.state.settings
    found = grants.list_requests(settings)
    found.sort(key=lambda r: (r.state() != "requested", -r.request_id))
    return page(request, "sharing_admin.html.j2", status_code, requests=found,
                default_list=grants.default_datasets(settings),
                suggested_end=clock.today() + timedelta(days=365), **context)


@guarded(router, "GET", "/admin/sharing", "share.decide")
def requests_page(request: Request):
    return _admin_page(request)


def _decided(request: Request, call, done: str):
    try:
        made = call()
    except CoreError as exc:
        return _admin_page(request, 400, error=str(exc))
    return _admin_page(request, message=f"Yêu cầu số {made.request_id} ({made.dataset}, "
                       f"{made.unit}): {done}.")


@guarded(router, "POST", "/admin/sharing/{request_id}/approve", "share.decide")
def approve(request: Request, request_id: int, ends_on: str = Form("")):
    settings, who = request.app.state.settings, current(request)
    try:
        until = date.fromisoformat(ends_on)
    except ValueError:
        return _admin_page(request, 400, error="hãy chọn ngày hết hạn của quyền")
    return _decided(request, lambda: grants.decide(settings, who.actor, request_id,
                                                   approve=True, ends_on=until),
                    f"đã cấp quyền đến {until:%d/%m/%Y}")


@guarded(router, "POST", "/admin/sharing/{request_id}/refuse", "share.decide")
def refuse(request: Request, request_id: int, reason: str = Form("")):
    settings, who = request.app.state.settings, current(request)
    return _decided(request, lambda: grants.decide(settings, who.actor, request_id,
                                                   approve=False, reason=reason),
                    "đã từ chối")


@guarded(router, "POST", "/admin/sharing/{request_id}/revoke", "share.decide")
def revoke(request: Request, request_id: int, reason: str = Form("")):
    settings, who = request.app.state.settings, current(request)
    return _decided(request, lambda: grants.revoke(settings, who.actor, request_id,
                                                   reason=reason), "đã thu hồi quyền")


@guarded(router, "GET", "/inbox", "portal.use")
def inbox_page(request: Request):
    settings, who = request.app.state.settings, current(request)
    return page(request, "inbox.html.j2", notices=notices.inbox(settings, who.account))


@guarded(router, "POST", "/inbox/alerts/{alert_id}/ack", "portal.use")
def inbox_acknowledge(request: Request, alert_id: int):
    settings, who = request.app.state.settings, current(request)
    alerts.acknowledge(settings, who.actor, alert_id, account=who.account)
    return RedirectResponse("/inbox", status_code=303)


@guarded(router, "POST", "/inbox/read", "portal.use")
def inbox_read(request: Request):
    settings, who = request.app.state.settings, current(request)
    notices.mark_read(settings, who.account)
    return RedirectResponse("/inbox", status_code=303)
