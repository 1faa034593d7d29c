"""Phản ánh, kiến nghị: feedback received, resolved on time and late, open, and satisfaction
in the period against last year, by category (mart ``feedback_handling``)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, month_vi, num, text


def section(ctx: Context, categories: tuple[str, ...] | None = None) -> Section:
    s = Section("phan-anh", "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
                ["feedback_handling"], ["feedback"])
    chosen = list(categories or [])
    now = ctx.first("feedback_total", months=ctx.period.months, categories=chosen)
    before = ctx.first("feedback_total", months=ctx.period.last_year().months,
                       categories=chosen)
    on_time, late = now["on_time"] or 0, now["late"] or 0
    resolved = on_time + late
    s.cards = [Card("Phản ánh tiếp nhận", num(now["received"] or 0, "fb:received"),
                    f"cùng kỳ: {vi_format.number(before['received'] or 0)}"),
               Card("Xử lý đúng hạn", num(on_time, "fb:on_time"),
                    f"{vi_format.percent(on_time / resolved if resolved else None)} số đã xử lý"),
               Card("Xử lý trễ hạn", num(late, "fb:late", css="bad" if late else "ok")),
               Card("Đang xử lý", num(now["open_cases"] or 0, "fb:open")),
               Card("Mức hài lòng (1–5)", num(now["satisfaction"], "fb:satisfaction", 2))]
    rows = ctx.query("feedback_by_category", months=ctx.period.months, categories=chosen)
    s.tables.append(Table(
        "Theo lĩnh vực, trong các tháng " + ", ".join(month_vi(m) for m in ctx.period.months),
        [("Lĩnh vực", False), ("Tiếp nhận", True), ("Đúng hạn", True), ("Trễ hạn", True),
         ("Đang xử lý", True), ("Hài lòng", True)],
        [[text(r["category"]), num(r["received"], f"fb:{r['category']}:received"),
          num(r["on_time"]), num(r["late"], css="num bad" if r["late"] else "num"),
          num(r["open_cases"]), num(r["satisfaction"], decimals=2)] for r in rows]))
    if ctx.period.kind in ("weekly", "ad-hoc"):
        s.notes.append("Số liệu phản ánh tổng hợp theo tháng.")
    return s
