"""Logging in and out, the home page, one's own password."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from ioc_pipelines.core import accounts, sessions
from ioc_pipelines.core.accounts import AccountError, LoginRefused
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.security import (
    COOKIE,
    LOGIN_CSRF_COOKIE,
    address,
    current,
    guarded,
    serializer,
    session_secret,
)

router = APIRouter(include_in_schema=False)  # pages: not part of the JSON API


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(request: Request, error: str = "", status_code: int = 200):
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html.j2", status_code, error=error, login_csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/login")
def login_form(request: Request):
    return _login_form(request)


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          csrf_token: str = Form("")):
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_form(request, "Phiên đăng nhập hết hạn; nhập lại.", 403)
    settings = request.app.state.settings
    try:
        account = accounts.authenticate(settings, username, password, via="web",
                                        address=address(request))
    except LoginRefused as exc:
        return _login_form(request, str(exc), 401)
    secret = sessions.start(settings, account, address(request))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, serializer(request).dumps(secret), httponly=True,
                        samesite="strict", secure=_secure(request),
                        max_age=int(sessions.SESSION_LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@guarded(router, "POST", "/logout", "portal.use")
def logout(request: Request):
    sessions.end(request.app.state.settings, session_secret(request) or "",
                 address=address(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@guarded(router, "GET", "/", "portal.use")
def home(request: Request):
    return page(request, "home.html.j2")


@guarded(router, "GET", "/account/password", "portal.use")
def password_form(request: Request):
    return page(request, "password.html.j2")


@guarded(router, "POST", "/account/password", "portal.use")
def change_password(request: Request, current_password: str = Form(""),
                    new_password: str = Form(""), repeat: str = Form("")):
    who, settings = current(request), request.app.state.settings
    try:
        accounts.authenticate(settings, who.account.username, current_password,
                              address=address(request))
    except LoginRefused:
        return page(request, "password.html.j2", 400, error="Mật khẩu hiện tại không đúng.")
    if new_password != repeat:
        return page(request, "password.html.j2", 400, error="Hai mật khẩu mới không giống nhau.")
    try:
        accounts.set_password(settings, who.actor, who.account.username, new_password)
    except AccountError as exc:
        return page(request, "password.html.j2", 400, error=str(exc))
    return page(request, "password.html.j2", done=True)
