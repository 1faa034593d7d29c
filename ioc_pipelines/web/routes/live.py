"""The live page: every sensor's status and latest reading, the open exceedance episodes and
the newest sensor alerts — from the published live marts and the alert outbox (the core's
``live_alerts.live_view``). The page refreshes itself every minute."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ioc_pipelines.core import live_alerts
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.security import guarded

router = APIRouter(include_in_schema=False)  # pages: not part of the JSON API


@guarded(router, "GET", "/live", "live.read")
def live_page(request: Request):
    return page(request, "live.html.j2", **live_alerts.live_view(request.app.state.settings))
