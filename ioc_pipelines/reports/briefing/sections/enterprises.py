"""Doanh nghiệp: founded, dissolved, suspended, resumed in the period against the same period
last year, and the 12-month trend (mart ``enterprises_by_month``)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, month_vi, months_back, num
from ioc_pipelines.reports.charts import line_chart

EVENTS = [("founded", "Thành lập mới"), ("dissolved", "Giải thể"),
          ("suspended", "Tạm ngừng kinh doanh"), ("resumed", "Quay lại hoạt động")]


def section(ctx: Context) -> Section:
    s = Section("doanh-nghiep", "Doanh nghiệp thành lập mới, giải thể", ["enterprises_by_month"],
                ["enterprises"])
    months = ctx.period.months
    now = ctx.first("enterprises_total", months=months)
    before = ctx.first("enterprises_total", months=ctx.period.last_year().months)
    s.cards = [Card(label, num(now[key] or 0, f"ent:{key}"),
                    f"cùng kỳ: {vi_format.number(before[key] or 0)}") for key, label in EVENTS]
    s.cards.append(Card("Vốn đăng ký mới (triệu đồng)", num(now["capital"] or 0, "ent:capital")))
    if ctx.period.kind in ("weekly", "ad-hoc"):
        s.notes.append("Số liệu đăng ký doanh nghiệp tổng hợp theo tháng: gồm các tháng "
                       + ", ".join(month_vi(m) for m in months) + ".")
    trend = months_back(ctx.period.end_month, 12)
    by_month = {r["period"]: r for r in ctx.query("enterprises_by_month", months=trend)}
    s.charts.append(("Số doanh nghiệp theo tháng (12 tháng đến hết kỳ)", line_chart(
        [month_vi(m) for m in trend],
        {"Thành lập mới": [(by_month.get(m) or {}).get("founded") or 0 for m in trend],
         "Giải thể": [(by_month.get(m) or {}).get("dissolved") or 0 for m in trend]},
        "Doanh nghiệp theo tháng", y_min=None, y_max=None, counts=True)))
    return s
