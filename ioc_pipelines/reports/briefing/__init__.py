"""The briefing reports: the socio-economic briefing, the IOC operations report and sector
views, from one pinned release (``engine.py``; sections in ``sections/``, their SQL in
``sql/``)."""

from ioc_pipelines.reports.briefing.engine import (
    list_reports,
    local_html,
    render_report,
    report_key,
)
from ioc_pipelines.reports.briefing.kinds import REPORT_KINDS, SECTORS
from ioc_pipelines.reports.briefing.parts import Section, num, pct, share
from ioc_pipelines.reports.briefing.provenance import warned_by

__all__ = ["REPORT_KINDS", "SECTORS", "Section", "list_reports", "local_html", "num", "pct",
           "render_report", "report_key", "share", "warned_by"]
