"""Server-rendered pages: Jinja2 with autoescaping on every template (a delivered value, a file
name or an account's name is text, never markup), in Vietnamese."""

from __future__ import annotations

from functools import cache

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from connectors.reasons_vi import notice_vi, reason_vi
from ioc_pipelines.core.accounts import ROLE_NAMES_VI


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("ioc_pipelines.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["role_names"] = ROLE_NAMES_VI
    env.filters["vn_time"] = lambda t: t.strftime("%d/%m/%Y %H:%M") if t else ""
    env.filters["vn_date"] = lambda t: t.strftime("%d/%m/%Y") if t else ""
    env.filters["reason_vi"] = reason_vi
    env.filters["notice_vi"] = notice_vi
    return env


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    who = getattr(request.state, "caller", None)
    html = environment().get_template(template).render(
        request=request, who=who, csrf_token=who.csrf_token if who else None, **context)
    return HTMLResponse(html, status_code=status_code)
