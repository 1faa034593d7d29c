"""Server-rendered pages: Jinja2 with autoescaping on every template (a delivered value, a file
name or an account's name is text, never markup), in Vietnamese."""

from __future__ import annotations

from functools import cache

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader

from connectors.reasons_vi import notice_vi, reason_vi
from ioc_pipelines.core import vi_format
from ioc_pipelines.core.accounts import ROLE_NAMES_VI

STATUS_VI = {
    "active": "đang hoạt động", "locked": "đã khóa", "revoked": "đã thu hồi",
    "waiting": "chờ phê duyệt", "published": "đã công bố", "rejected": "bị từ chối",
    "superseded": "bị thay thế", "landed": "đã nhận", "loaded": "đã nạp vào kho",
    "duplicate": "trùng tệp đã giao",
}


def records_vi(records: dict[str, int]) -> str:
    """What a file held, as a provider reads it: "3 bản ghi (households__households: 3)"."""
    parts = ", ".join(f"{table}: {vi_format.count(n)}" for table, n in records.items())
    return f"{vi_format.count(sum(records.values()))} bản ghi ({parts})" if records else ""


def status_vi(status: str) -> str:
    """A state as people read it, with its code (``đã khóa (locked)``)."""
    return f"{STATUS_VI[status]} ({status})" if status in STATUS_VI else status


def vi_number(value, digits: int = 1) -> str:
    return vi_format.figure(value, digits, none="")


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("ioc_pipelines.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["role_names"] = ROLE_NAMES_VI
    env.filters["vn_time"] = lambda t: t.strftime("%d/%m/%Y %H:%M") if t else ""
    env.filters["vn_date"] = lambda t: t.strftime("%d/%m/%Y") if t else ""
    env.filters["reason_vi"] = reason_vi
    env.filters["status_vi"] = status_vi
    env.filters["notice_vi"] = notice_vi
    env.filters["records_vi"] = records_vi
    env.filters["vi_number"] = vi_number
    return env


def page(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    who = getattr(request.state, "caller", None)
    html = environment().get_template(template).render(
        request=request, who=who, csrf_token=who.csrf_token if who else None, **context)
    return HTMLResponse(html, status_code=status_code)
