"""The IOC operations report's quality trend: the pass share by providing unit and month
(mart ``quality_by_unit_month``: communes as one unit) and by principle and month."""

from __future__ import annotations

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Section, Table, month_vi, num, share, text
from ioc_pipelines.reports.charts import heatmap, line_chart
from quality_checks import PRINCIPLES


def section(ctx: Context) -> Section:
    s = Section("xu-huong-chat-luong", "Xu hướng chất lượng dữ liệu theo đơn vị",
                ["quality_by_unit_month", "quality_scorecard"], [])
    rows = ctx.query("ops_quality_by_unit", months=ctx.period.months)
    label = {r["unit_code"]: f"{r['unit_code']} — {r['unit_name']}" if r["unit_name"]
             else r["unit_code"] for r in rows}
    units = sorted(label)
    months = [m for m in ctx.period.months if any(r["month"] == m for r in rows)]
    cells = {(r["unit_code"], r["month"]): (r["passed"] / r["checked"] if r["checked"] else None)
             for r in rows}
    s.charts.append(("Tỷ lệ đạt theo đơn vị và tháng (mọi nguyên tắc)", heatmap(
        [(u, label[u]) for u in units], [(m, month_vi(m)) for m in months], cells,
        "Chất lượng theo đơn vị và tháng")))
    by_principle = {(r["principle"], r["month"]): r for r in
                    ctx.query("ops_quality_by_principle", months=ctx.period.months)}
    series = {vi: [_share(by_principle.get((p, m))) for m in months]
              for p, vi in PRINCIPLES.items()}
    s.charts.append(("Tỷ lệ đạt theo nguyên tắc qua các tháng", line_chart(
        [month_vi(m) for m in months], series, "Chất lượng theo tháng")))
    total = {u: {"checked": sum(r["checked"] for r in rows if r["unit_code"] == u),
                 "passed": sum(r["passed"] for r in rows if r["unit_code"] == u)}
             for u in units}
    s.tables.append(Table("Tỷ lệ đạt cả kỳ theo đơn vị", [
        ("Đơn vị", False), ("Đã kiểm tra", True), ("Đạt", True), ("Tỷ lệ đạt", True)],
        [[text(label[u]), num(total[u]["checked"]), num(total[u]["passed"], f"dq:unit:{u}:passed"),
          share(_share(total[u]), f"dq:unit:{u}:share")]
         for u in sorted(units, key=lambda u: _share(total[u]) if total[u]["checked"] else 2)]))
    return s


def _share(r: dict | None) -> float | None:
    return r["passed"] / r["checked"] if r and r["checked"] else None
