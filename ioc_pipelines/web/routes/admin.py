"""The admin's pages: accounts (grant, lock, unlock, revoke, role), API tokens, the audit log."""

from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, StreamingResponse

from ioc_pipelines.core import accounts, audit, tokens
from ioc_pipelines.core.accounts import AccountError
from ioc_pipelines.web.rendering import STATUS_VI, page
from ioc_pipelines.web.security import current, guarded

router = APIRouter(prefix="/admin", include_in_schema=False)  # pages


def _accounts_page(request: Request, status_code: int = 200, **context):
    settings = request.app.state.settings
    return page(request, "accounts.html.j2", status_code, accounts=accounts.listing(settings),
                tokens=tokens.listing(settings), roles=accounts.ROLES, **context)


@guarded(router, "GET", "/accounts", "account.manage")
def accounts_page(request: Request):
    return _accounts_page(request)


@guarded(router, "POST", "/accounts", "account.manage")
def create_account(request: Request, username: str = Form(""), full_name: str = Form(""),
                   unit: str = Form(""), role: str = Form(""), providers: str = Form(""),
                   password: str = Form("")):
    try:
        made = accounts.create(request.app.state.settings, current(request).actor,
                               username=username, full_name=full_name, unit=unit, role=role,
                               password=password, providers=providers.replace(",", " ").split())
    except AccountError as exc:
        return _accounts_page(request, 400, error=str(exc))
    return _accounts_page(request, message=f"Đã cấp tài khoản {made.username}.")


@guarded(router, "POST", "/accounts/{username}/status", "account.manage")
def set_status(request: Request, username: str, status: str = Form(""),
               reason: str = Form("")):
    try:
        done = accounts.set_status(request.app.state.settings, current(request).actor,
                                   username, status, reason)
    except AccountError as exc:
        return _accounts_page(request, 400, error=str(exc))
    return _accounts_page(request, message=f"Tài khoản {done.username}: {done.status} "
                          f"({STATUS_VI[done.status]}).")


@guarded(router, "POST", "/accounts/{username}/role", "account.manage")
def set_role(request: Request, username: str, role: str = Form(""), providers: str = Form("")):
    try:
        done = accounts.set_role(request.app.state.settings, current(request).actor, username,
                                 role, providers.replace(",", " ").split())
    except AccountError as exc:
        return _accounts_page(request, 400, error=str(exc))
    return _accounts_page(request, message=f"Tài khoản {done.username}: vai trò {done.role}.")


@guarded(router, "POST", "/accounts/{username}/tokens", "account.manage")
def create_token(request: Request, username: str, name: str = Form(""), days: int = Form(90)):
    try:
        text, token = tokens.create(request.app.state.settings, current(request).actor,
                                    username, name, days=days)
    except AccountError as exc:
        return _accounts_page(request, 400, error=str(exc))
    return _accounts_page(request, new_token=text, token=token)


@guarded(router, "POST", "/tokens/{prefix}/revoke", "account.manage")
def revoke_token(request: Request, prefix: str):
    try:
        tokens.revoke(request.app.state.settings, current(request).actor, prefix)
    except AccountError as exc:
        return _accounts_page(request, 400, error=str(exc))
    return RedirectResponse("/admin/accounts", status_code=303)


def _since(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone() if text else None
    except ValueError:
        return None


@guarded(router, "GET", "/audit", "audit.read")
def audit_page(request: Request, actor: str = "", action: str = "", outcome: str = "",
               since: str = ""):
    settings = request.app.state.settings
    rows = list(audit.entries(settings, since=_since(since), actor=actor or None,
                              action=action or None, outcome=outcome or None, limit=500,
                              newest_first=True))
    return page(request, "audit.html.j2", rows=rows, verification=audit.verify(settings),
                filters={"actor": actor, "action": action, "outcome": outcome, "since": since})


@guarded(router, "GET", "/audit/export", "audit.read")
def audit_export(request: Request, since: str = ""):
    settings, who = request.app.state.settings, current(request)
    audit.record(settings, who.actor, "audit.export", since or "all")
    lines = (json.dumps(e, ensure_ascii=False) + "\n"
             for e in audit.entries(settings, since=_since(since)))
    return StreamingResponse(lines, media_type="application/x-ndjson", headers={
        "Content-Disposition": 'attachment; filename="audit.jsonl"'})
