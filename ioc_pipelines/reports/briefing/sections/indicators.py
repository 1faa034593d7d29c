"""Các chỉ tiêu chủ yếu: indicators against the year's plan with *chưa đạt*, growth on the
same period last year (mart ``indicators_vs_plan``: what *chưa đạt* means is defined there)."""

from __future__ import annotations

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import (
    Card,
    Cell,
    Section,
    Table,
    month_vi,
    num,
    pct,
    text,
    verdict,
)
from ioc_pipelines.reports.charts import progress_bars


def section(ctx: Context, codes: tuple[str, ...] | None = None,
            title: str = "Các chỉ tiêu chủ yếu so với kế hoạch") -> Section:
    s = Section("chi-tieu", title, ["indicators_vs_plan"], ["indicators"])
    month, note = ctx.ref_month("indicators_vs_plan", list(codes or []))
    if note:
        s.notes.append(note)
    if month is None:
        return s
    rows = ctx.query("indicators", month=month, codes=list(codes or []))
    not_met = [r for r in rows if r["is_not_met"]]
    s.cards = [Card("Tháng số liệu", Cell(month_vi(month), month, "ind:month")),
               Card("Chỉ tiêu có số liệu", num(len(rows), "ind:count")),
               Card("Chưa đạt tiến độ kế hoạch", num(len(not_met), "ind:not_met", css="bad"
                                                     if not_met else "ok")),
               Card("Đạt tiến độ", num(sum(1 for r in rows if r["is_not_met"] is False),
                                       "ind:met"))]
    s.tables.append(Table(
        f"Chỉ tiêu tháng {month_vi(month)} (lũy kế từ đầu năm; kế hoạch năm)",
        [("Mã", False), ("Chỉ tiêu", False), ("ĐVT", False), ("Thực hiện tháng", True),
         ("Lũy kế", True), ("Kế hoạch năm", True), ("Cùng kỳ năm trước", True),
         ("So cùng kỳ", True), ("Đánh giá", False)], [_row(r) for r in rows]))
    bars = [_bar(r) for r in rows if r["plan_target"]]
    if bars:
        s.charts.append(("Thực hiện so với kế hoạch năm (vạch đen: tiến độ cần đạt đến tháng "
                         f"{month_vi(month)})", progress_bars(bars, "Thực hiện so với kế hoạch")))
    s.notes.append("“Chưa đạt”: lũy kế (hoặc tỷ lệ) thấp hơn kế hoạch năm chia đều đến tháng "
                   "báo cáo với chỉ tiêu cần tăng, cao hơn với chỉ tiêu cần giảm.")
    unjudged = [r for r in rows if r["not_judged_reason"]]
    for reason in sorted({r["not_judged_reason"] for r in unjudged}):
        codes = ", ".join(r["indicator_code"] for r in unjudged
                          if r["not_judged_reason"] == reason)
        s.notes.append(f"“—” ({codes}): {reason}.")
    return s


def _row(r: dict) -> list[Cell]:
    code = r["indicator_code"]
    return [text(code), text(r["indicator_name"]), text(r["unit"]),
            num(r["actual"], f"ind:{code}:actual"), num(r["cumulative"], f"ind:{code}:cumulative"),
            num(r["plan_target"], f"ind:{code}:plan"),
            num(r["same_period_last_year"], f"ind:{code}:last_year"),
            pct(r["growth_vs_last_year_pct"], f"ind:{code}:growth"),
            verdict(r["is_not_met"], f"ind:{code}:not_met")]


def _bar(r: dict) -> tuple:
    """The rate, or the cumulative as the mart judged it, against the plan; the tick is where
    the year should be (a flow without a known cumulative has no bar)."""
    rate = r["unit"] in ("%", "‰")
    value = r["actual"] if rate else r["cumulative"]
    bad = r["is_not_met"]
    return (f"{r['indicator_code']} {r['indicator_name']}",
            None if value is None else value / r["plan_target"],
            1.0 if rate else r["period_month"] / 12,
            "bad" if bad else "ok" if bad is False else None)
