"""How the portal knows who is asking: a signed, HttpOnly, SameSite=Strict session cookie (the
session's secret; the database says whether it is still live), or an API token in
``Authorization: Bearer``; the CSRF token of the session on every form and every unsafe API
call made with the cookie; and the route × permission registry the authorization matrix test
walks. Every decision is the core's (``core.access``)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from ioc_pipelines.core import access, sessions, tokens
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor

COOKIE = "ioc_session"
LOGIN_CSRF_COOKIE = "ioc_login_csrf"
ROUTE_PERMISSIONS: dict[tuple[str, str], str] = {}  # (method, path) -> permission
PUBLIC_ROUTES = {("GET", "/login"), ("POST", "/login"), ("GET", "/healthz"),
                 # a signed, expiring file URL of Delta Sharing: the signature authorizes
                 ("GET", "/delta-sharing/files/{release}/{name}.parquet"),
                 ("HEAD", "/delta-sharing/files/{release}/{name}.parquet"),
                 # the DCAT-AP catalogue: what is published, for harvesters (no data)
                 ("GET", "/catalog.jsonld")}


class NeedLogin(Exception):
    """No live session or token: a page redirects to the login form, the API answers 401."""


class Refused(Exception):
    """The caller may not (403), with the core's reason."""


@dataclass(frozen=True)
class Caller:
    account: Account
    actor: Actor
    providers: tuple[str, ...]
    csrf_token: str | None  # None for a token (no cookie, no CSRF)


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.session_key, salt="ioc-session")


def session_secret(request: Request) -> str | None:
    signed = request.cookies.get(COOKIE)
    if not signed:
        return None
    try:
        return serializer(request).loads(signed)
    except BadSignature:
        return None


def caller(request: Request) -> Caller:
    """The account behind the request (token first, then the session cookie)."""
    settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = tokens.resolve(settings, header[7:])
        if principal is None:
            raise NeedLogin()
        return Caller(principal.account, principal.actor(address(request)),
                      principal.token.providers, None)
    secret = session_secret(request)
    live = sessions.resolve(settings, secret) if secret else None
    if live is None:
        raise NeedLogin()
    via = "api" if request.url.path.startswith("/api/") else "web"
    return Caller(live.account, live.account.actor(via, address(request)),
                  live.account.providers, live.csrf_token)


def needs(permission: str):
    """A dependency: the caller (kept on ``request.state.caller``), refused unless their role
    has ``permission``; an unsafe request made with the session cookie must carry the
    session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``)."""

    async def dependency(request: Request) -> Caller:
        who = caller(request)
        if not access.allowed(who.actor.role, permission):
            raise Refused(f"vai trò {who.actor.role} không được phép: "
                          f"{access.PERMISSIONS[permission][0]}")
        if request.method not in {"GET", "HEAD"} and who.csrf_token is not None:
            sent = request.headers.get("x-csrf-token")
            if not sent and "form" in request.headers.get("content-type", ""):
                sent = (await request.form()).get("csrf_token")
            if not isinstance(sent, str) or not hmac.compare_digest(sent, who.csrf_token):
                raise Refused("phiên làm việc không hợp lệ (thiếu mã CSRF); tải lại trang")
        request.state.caller = who
        return who

    dependency.permission = permission
    return dependency


def current(request: Request) -> Caller:
    """The caller the route's permission dependency resolved."""
    return request.state.caller


def counted(request: Request) -> Caller:
    """The caller of a sharing door, counted against its account's requests a minute
    (``IOC_SHARING_RATE``; 429 beyond)."""
    from ioc_pipelines.core import ratelimit

    who = current(request)
    ratelimit.check(f"account:{who.account.account_id}",
                    request.app.state.settings.sharing_rate)
    return who


def scope(who: Caller, permission: str, provider: str) -> None:
    """Refuse unless ``who`` may act on ``provider``'s data."""
    try:
        access.require(who.actor, permission, provider=provider, providers=who.providers)
    except access.Forbidden as exc:
        raise Refused(str(exc)) from None


def guarded(router, method: str, path: str, permission: str, **options):
    """Register a route with its permission (the matrix test reads the registry)."""
    from fastapi import Depends

    full = (router.prefix or "") + path
    ROUTE_PERMISSIONS[(method, full)] = permission
    return router.api_route(path, methods=[method],
                            dependencies=[Depends(needs(permission))], **options)


def routes_markdown() -> str:
    """The routes × permission table of docs/security.md (every route registered)."""
    import ioc_pipelines.web.app  # noqa: F401 - registers every route

    rows = [f"| `{method} {path}` | `{permission}` |" for (method, path), permission
            in sorted(ROUTE_PERMISSIONS.items(), key=lambda item: (item[0][1], item[0][0]))]
    return "\n".join(["| route | permission |", "|---|---|", *rows])
