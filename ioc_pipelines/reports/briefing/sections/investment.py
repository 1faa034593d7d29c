"""Giải ngân vốn đầu tư công: each project's disbursement at its latest report in the period,
the lagging ones (mart ``investment_disbursement``: what *lagging* means is defined there)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, num, pct, text
from ioc_pipelines.reports.charts import progress_bars

CHART_PROJECTS = 25


def section(ctx: Context, title: str = "Giải ngân vốn đầu tư công") -> Section:
    s = Section("dau-tu-cong", title, ["investment_disbursement"], ["finance"])
    rows = ctx.query("investment", end=ctx.period.end)
    if not rows:
        s.notes.append("Không có dự án có số liệu giải ngân đến hết kỳ báo cáo.")
        return s
    plan = sum(r["plan_capital"] or 0 for r in rows)
    disbursed = sum(r["disbursed"] or 0 for r in rows)
    lagging = [r for r in rows if r["is_lagging"]]
    unit = rows[0]["unit"]
    s.cards = [Card("Số dự án", num(len(rows), "inv:projects")),
               Card(f"Kế hoạch vốn ({unit})", num(plan, "inv:plan")),
               Card(f"Đã giải ngân ({unit})", num(disbursed, "inv:disbursed"),
                    f"{vi_format.percent(disbursed / plan if plan else None)} kế hoạch"),
               Card("Dự án chậm giải ngân", num(len(lagging), "inv:lagging",
                                                css="bad" if lagging else "ok"))]
    s.notes.append(f"Số liệu giải ngân đến ngày {max(r['as_of'] for r in rows):%d/%m/%Y}.")
    s.charts.append(("Tỷ lệ giải ngân theo dự án (vạch đen: tỷ lệ thời gian đã qua của năm)",
                     progress_bars([(f"{r['project_code']} {r['project_name']}",
                                     (r["disbursed_pct"] or 0) / 100,
                                     (r["year_elapsed_pct"] or 0) / 100,
                                     "bad" if r["is_lagging"] else "ok")
                                    for r in rows[:CHART_PROJECTS]], "Giải ngân theo dự án")))
    s.tables.append(Table(
        "Dự án chậm giải ngân (tỷ lệ giải ngân thấp hơn tỷ lệ thời gian đã qua)",
        [("Mã dự án", False), ("Tên dự án", False), ("Chủ đầu tư", False), ("Xã", False),
         ("Kế hoạch vốn", True), ("Đã giải ngân", True), ("% giải ngân", True),
         ("% thời gian", True)],
        [[text(r["project_code"]), text(r["project_name"]), text(r["investor"]),
          text(r["commune_code"]), num(r["plan_capital"], f"inv:{r['project_code']}:plan"),
          num(r["disbursed"], f"inv:{r['project_code']}:disbursed"),
          pct(r["disbursed_pct"], f"inv:{r['project_code']}:pct", "num bad"),
          pct(r["year_elapsed_pct"])] for r in lagging], "Không có dự án chậm giải ngân."))
    return s
