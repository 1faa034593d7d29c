"""Chất lượng dữ liệu: the scorecard of the sources behind the report's figures in the
period, by principle (đúng, đủ, sạch, sống), and the release's warn-level failures (mart
``quality_scorecard``)."""

from __future__ import annotations

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Section, Table, num, share, text
from ioc_pipelines.reports.briefing.provenance import source_name, warnings_said
from ioc_pipelines.reports.charts import heatmap
from quality_checks import PRINCIPLES


def section(ctx: Context, sources: list[str]) -> Section:
    s = Section("chat-luong", "Chất lượng dữ liệu của các nguồn trong báo cáo",
                ["quality_scorecard"], sources)
    rows = ctx.query("data_quality", sources=sources, months=ctx.period.months)
    shares = {(r["source"], r["principle"]): (r["passed"] / r["checked"] if r["checked"]
                                              else None) for r in rows}
    s.charts.append(("Tỷ lệ đạt theo nguồn và nguyên tắc (đúng, đủ, sạch, sống) — kỳ báo cáo",
                     heatmap([(src, source_name(src)) for src in sources],
                             list(PRINCIPLES.items()), shares,
                             "Chất lượng dữ liệu theo nguồn")))
    s.tables.append(Table(
        "Bảng điểm chất lượng (bản ghi, lượt nộp, độ mới) trong kỳ",
        [("Nguồn", False), ("Nguyên tắc", False), ("Đã kiểm tra", True), ("Đạt", True),
         ("Tỷ lệ đạt", True)],
        [[text(source_name(r["source"])), text(PRINCIPLES.get(r["principle"], r["principle"])),
          num(r["checked"], f"dq:{r['source']}:{r['principle']}:checked"),
          num(r["passed"], f"dq:{r['source']}:{r['principle']}:passed"),
          share(shares[(r["source"], r["principle"])])] for r in rows]))
    scored = {r["source"] for r in rows}
    missing = [src for src in sources if src not in scored]
    if missing:
        s.notes.append("Không có kết quả kiểm tra trong kỳ cho: "
                       + ", ".join(source_name(m) for m in missing) + ".")
    warned = warnings_said(ctx.release)
    s.notes.append("Khi công bố bản phát hành, cần lưu ý: " + " ".join(warned) if warned else
                   "Mọi kiểm tra khi công bố bản phát hành đều đạt.")
    return s
