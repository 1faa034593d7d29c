"""The IOC operations report's sources and deliveries: each source connected with its
deliveries in the period (loaded, refused) and the expected deliveries due — on time, late,
missing. Read from the work lake's records as they were at the release (``work.ops``)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, num, share, text
from ioc_pipelines.reports.briefing.provenance import source_name
from ioc_pipelines.reports.charts import progress_bars

ON_TIME_TARGET = 0.9  # the line drawn on the chart (the title says 90 %)


def sources_section(ctx: Context) -> Section:
    from connectors import SOURCES, get_connector

    s = Section("nguon-ket-noi", "Nguồn dữ liệu đã kết nối", [], list(SOURCES))
    found = {r["source"]: r for r in ctx.query("ops_deliveries", start=ctx.period.start,
                                               end=ctx.period.end)}
    empty = {"deliveries": 0, "loaded": 0, "rejected": 0, "last_delivery": None}
    rows = []
    for src in SOURCES:
        contract = get_connector(src).contract
        d = found.get(src, empty)
        rows.append([text(src), text(contract.raw.get("title", "")), text(contract.owner),
                     text(vi_format.cadence(contract.raw.get("delivery", {}).get("cadence"))),
                     num(d["deliveries"], f"ops:{src}:deliveries"),
                     num(d["loaded"], f"ops:{src}:loaded"),
                     num(d["rejected"], f"ops:{src}:rejected",
                         css="num bad" if d["rejected"] else "num"),
                     text(f"{d['last_delivery']:%d/%m/%Y}" if d["last_delivery"] else "—")])
    s.cards = [Card("Nguồn đã kết nối", num(len(SOURCES), "ops:sources")),
               Card("Lượt nộp trong kỳ", num(sum(d["deliveries"] for d in found.values()),
                                              "ops:deliveries")),
               Card("Lượt nộp bị từ chối", num(sum(d["rejected"] for d in found.values()),
                                                "ops:rejected"))]
    s.tables.append(Table("Nguồn, đơn vị cung cấp và lượt nộp trong kỳ",
                          [("Nguồn", False), ("Nội dung", False), ("Đơn vị", False),
                           ("Tần suất", False), ("Lượt nộp", True), ("Đã nạp", True),
                           ("Bị từ chối", True), ("Lần nộp gần nhất", False)], rows))
    return s


def on_time_section(ctx: Context) -> Section:
    s = Section("dung-han", "Nộp dữ liệu đúng hạn", [], [])
    rows = ctx.query("ops_on_time", start=ctx.period.start, end=ctx.period.end)
    s.sources = [r["source"] for r in rows]
    due = sum(r["due"] for r in rows)
    on_time = sum(r["on_time"] for r in rows)
    s.cards = [Card("Lượt nộp đến hạn trong kỳ", num(due, "ops:due")),
               Card("Đúng hạn", num(on_time, "ops:on_time"),
                    vi_format.percent(on_time / due if due else None)),
               Card("Nộp muộn", num(sum(r["late"] for r in rows), "ops:late")),
               Card("Chưa nộp", num(sum(r["missing"] for r in rows), "ops:missing"))]
    s.tables.append(Table("Theo nguồn (kỳ nộp có hạn trong kỳ báo cáo)",
                          [("Nguồn", False), ("Đến hạn", True), ("Đúng hạn", True),
                           ("Muộn", True), ("Chưa nộp", True), ("Tỷ lệ đúng hạn", True)],
                          [[text(source_name(r["source"])), num(r["due"]),
                            num(r["on_time"], f"ops:{r['source']}:on_time"), num(r["late"]),
                            num(r["missing"], css="num bad" if r["missing"] else "num"),
                            share(_share(r), f"ops:{r['source']}:on_time_share")]
                           for r in rows]))
    if rows:
        s.charts.append(("Tỷ lệ nộp đúng hạn theo nguồn (vạch đen: 90 %)",
                         progress_bars([(source_name(r["source"]), _share(r), ON_TIME_TARGET,
                                         "bad" if r["due"] and _share(r) < ON_TIME_TARGET
                                         else "ok") for r in rows], "Nộp đúng hạn")))
    return s


def _share(r: dict) -> float | None:
    return r["on_time"] / r["due"] if r["due"] else None
