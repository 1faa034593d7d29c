"""Thu, chi ngân sách: revenue and spending cumulative to the month, against the year's
estimate (mart ``budget_by_period``)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, month_vi, num, pct, text
from ioc_pipelines.reports.charts import progress_bars

HEADLINE_ITEMS = ("T01", "C01")  # total revenue, total spending


def section(ctx: Context) -> Section:
    s = Section("ngan-sach", "Thu, chi ngân sách", ["budget_by_period"], ["finance"])
    month, note = ctx.ref_month("budget_by_period")
    if note:
        s.notes.append(note)
    if month is None:
        return s
    rows = ctx.query("budget", month=month)
    expected = int(month[5:7]) / 12  # the share of the year gone by at the month's end
    for r in rows:
        if r["item_code"] in HEADLINE_ITEMS:
            s.cards.append(Card(f"{r['item_name']} ({r['unit']})",
                                num(r["actual"], f"budget:{r['item_code']}:actual"),
                                f"{vi_format.number(r['achieved_pct'] or 0, 1)}% dự toán năm"))

    def behind(r: dict) -> bool:
        return r["achieved_pct"] is not None and r["achieved_pct"] / 100 < expected

    s.tables.append(Table(
        f"Lũy kế đến tháng {month_vi(month)}",
        [("Thu/chi", False), ("Mã", False), ("Khoản mục", False), ("ĐVT", False),
         ("Dự toán năm", True), ("Thực hiện lũy kế", True), ("% dự toán", True)],
        [[text(_direction(r)), text(r["item_code"]), text(r["item_name"]), text(r["unit"]),
          num(r["estimate"], f"budget:{r['item_code']}:estimate"),
          num(r["actual"], f"budget:{r['item_code']}:actual"),
          pct(r["achieved_pct"], f"budget:{r['item_code']}:achieved_pct",
              "num bad" if r["direction"] == "thu" and behind(r) else "num")] for r in rows]))
    s.charts.append((f"Thực hiện so với dự toán năm (vạch đen: {vi_format.percent(expected, 0)} — tiến độ "
                     "chia đều)", progress_bars(
                         [(f"{_direction(r)} · {r['item_name']}",
                           None if r["achieved_pct"] is None else r["achieved_pct"] / 100,
                           expected,
                           ("bad" if behind(r) else "ok") if r["direction"] == "thu" else None)
                          for r in rows], "Thu chi ngân sách")))
    return s


def _direction(r: dict) -> str:
    return "Thu" if r["direction"] == "thu" else "Chi"
