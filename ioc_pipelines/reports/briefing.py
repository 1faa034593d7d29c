"""The briefing reports (báo cáo phục vụ giao ban), 100 % from one pinned release.

Three kinds, one engine:

- ``briefing`` — tình hình kinh tế – xã hội for a week, month, quarter, half-year, year or any
  range of days: indicators against plan with the *chưa đạt* alerts and growth on the same
  period last year, budget, public-investment disbursement with lagging projects, enterprises,
  population and poverty (map), citizen feedback, environment and water-level incidents, and
  the data quality of the sources behind the figures;
- ``operations`` — báo cáo vận hành IOC (quarter, half-year, year): sources connected,
  deliveries on time, releases published and runs blocked, quality trend by department;
- ``sector`` — one sector (health, education, transport, environment, public order, social
  welfare) for an area (a commune, a polygon, a radius: ``reports/areas.py``).

Every figure is read from the published lake pinned at the release (and, for the operations
report, the work lake's records as they were at that release's snapshot), nothing uses the
clock: rendering the same kind, period and release again gives the same HTML bytes, and the
PDF (printed by headless Chromium) the same bytes once its creation date is set to the
release's publish time. Every section names its marts and sources; a section whose sources
or marts failed a warn-level check in that release is marked ⚠.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from markupsafe import Markup

from ioc_pipelines.core import state
from ioc_pipelines.core.publishing import (
    Release,
    current_release,
    get_release,
    list_releases,
    local_time,
)
from ioc_pipelines.reports.areas import Area, in_area_sql
from ioc_pipelines.reports.charts import (
    choropleth,
    heatmap,
    line_chart,
    percent,
    progress_bars,
    vn_auto,
    vn_number,
)
from ioc_pipelines.reports.periods import Period
from ioc_pipelines.reports.rendering import PROVINCE_NAMES, ReportError, environment
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES
from quality_checks.gate import at_version

REPORT_KINDS = ("briefing", "operations", "sector")
OPERATIONS_PERIODS = ("quarterly", "half-year", "annual")
FILE_STEMS = {"briefing": "bao-cao-kinh-te-xa-hoi", "operations": "bao-cao-van-hanh-ioc"}
TITLES = {"briefing": "Báo cáo tình hình kinh tế – xã hội",
          "operations": "Báo cáo vận hành Trung tâm điều hành thông minh (IOC)",
          "sector": "Báo cáo chuyên đề lĩnh vực"}
# a warn-level check on a source: <prefix>_<source>
SOURCE_CHECK_PREFIXES = ("complete", "filled", "volume", "fresh")


@dataclass(frozen=True)
class Sector:
    key: str
    name_vi: str
    indicators: tuple[str, ...]  # indicator codes of the sector (province-wide)
    feedback: tuple[str, ...]  # feedback categories
    extras: tuple[str, ...]  # section builders for the area


SECTORS = {s.key: s for s in [
    Sector("health", "Y tế", ("XH-16-01", "XH-16-02", "XH-16-03", "XH-01-02"), ("Y tế",),
           ("population", "births")),
    Sector("education", "Giáo dục", ("XH-15-01", "XH-15-02", "XH-02-02"), ("Giáo dục",),
           ("population", "schools")),
    Sector("transport", "Giao thông", ("XH-19-01", "XH-19-02", "KT-04-01", "KT-04-02"),
           ("Giao thông",), ("investment",)),
    Sector("environment", "Môi trường", ("MT-20-01", "MT-20-02", "MT-20-03", "KT-08-03",
                                         "KT-08-04"), ("Môi trường",), ("environment",)),
    Sector("public_order", "An ninh, trật tự", ("XH-19-01", "XH-19-02", "XH-19-03"),
           ("An ninh trật tự",), ("population",)),
    Sector("social_welfare", "An sinh xã hội", ("XH-18-01", "XH-18-02", "XH-18-03",
                                                "XH-02-01"), ("Đất đai", "Điện, nước"),
           ("poverty", "beneficiaries", "housing")),
]}


# ---------------------------------------------------------------- the report's parts
@dataclass
class Cell:
    text: str
    value: object = None  # the figure as read from the mart (data-value: what tests compare)
    key: str | None = None
    css: str = ""


@dataclass
class Table:
    caption: str
    columns: list[tuple[str, bool]]  # (header, numeric)
    rows: list[list[Cell]]
    empty: str = "Không có số liệu trong kỳ."


@dataclass
class Card:
    label: str
    cell: Cell
    note: str = ""


@dataclass
class Section:
    id: str
    title: str
    marts: list[str]
    sources: list[str]
    cards: list[Card] = field(default_factory=list)
    charts: list[tuple[str, Markup]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedBriefing:
    kind: str
    period: Period
    release_id: int
    key: str  # object key of the HTML (the PDF beside it)
    html_path: Path
    pdf_path: Path | None
    figures: dict  # data-key → value, as printed
    notice: str | None = None  # why an older release was used (newest run did not publish)


def text(value) -> Cell:
    return Cell("" if value is None else str(value), value)


def num(value, key: str | None = None, decimals: int | None = None, css: str = "num") -> Cell:
    """A figure in Vietnamese format: whole numbers plain, others with one decimal (or
    ``decimals``); None is a dash."""
    if value is None:
        return Cell("—", None, key, css)
    v = float(value)
    d = decimals if decimals is not None else (0 if abs(v - round(v)) < 1e-9 else 1)
    return Cell(vn_number(v, d), value, key, css)


def pct(value_pct, key: str | None = None, css: str = "num") -> Cell:
    """A value already in percent (75.8) as '75,8%'."""
    if value_pct is None:
        return Cell("—", None, key, css)
    return Cell(vn_number(float(value_pct), 1) + "%", value_pct, key, css)


def share(value, key: str | None = None, css: str = "num") -> Cell:
    """A share (0.758) as '75,8%'."""
    return Cell(percent(value), value, key, css)


def month_vi(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


# ---------------------------------------------------------------- context
@dataclass
class Context:
    settings: Settings
    con: object
    release: Release
    period: Period
    communes: list[str] | None = None  # the area's communes (None: the whole province)
    area: Area | None = None

    def m(self, name: str) -> str:
        if name not in self.release.tables:
            raise ReportError(f"release {self.release.id} has no mart {name} (made by an older "
                              "version?): pick a newer release")
        return f"{PUBLISHED}.main.{name}"

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def one(self, sql: str, params: list | None = None):
        return self.con.execute(sql, params or []).fetchone()

    def in_area(self, column: str = "commune_code") -> str:
        """SQL filter on a commune code column for the area (TRUE for the province)."""
        if self.communes is None:
            return "TRUE"
        quoted = ", ".join(f"'{c}'" for c in self.communes)  # codes are 5 digits (validated)
        return f"{column} IN ({quoted or 'NULL'})"

    def ref_month(self, mart: str, column: str = "period", where: str = "TRUE"
                  ) -> tuple[str | None, str | None]:
        """The month a snapshot-type figure is read for: the latest month with data within
        the period, else the latest before it (with a note saying so)."""
        inside = self.one(f"SELECT max({column}) FROM {self.m(mart)} WHERE {where} AND "
                          f"{column} BETWEEN ? AND ?", [self.period.months[0],
                                                        self.period.end_month])[0]
        if inside:
            return inside, None
        before = self.one(f"SELECT max({column}) FROM {self.m(mart)} WHERE {where} AND "
                          f"{column} < ?", [self.period.months[0]])[0]
        if before:
            return before, (f"Chưa có số liệu trong kỳ; dùng số liệu tháng {month_vi(before)}, "
                            "tháng gần nhất đã báo cáo.")
        return None, "Chưa có số liệu."


# ---------------------------------------------------------------- sections
def indicators_section(ctx: Context, codes: tuple[str, ...] | None = None,
                       title: str = "Các chỉ tiêu chủ yếu so với kế hoạch") -> Section:
    s = Section("chi-tieu", title, ["indicators_vs_plan"], ["indicators"])
    where = "TRUE" if codes is None else f"list_contains({list(codes)!r}, indicator_code)"
    month, note = ctx.ref_month("indicators_vs_plan", where=where)
    if note:
        s.notes.append(note)
    if month is None:
        return s
    rows = ctx.rows(f"""
        SELECT indicator_code, indicator_name, unit, provider_code, actual, cumulative,
               plan_target, same_period_last_year, growth_vs_last_year_pct, is_not_met,
               period_month
        FROM {ctx.m('indicators_vs_plan')} WHERE period = ? AND {where}
        ORDER BY indicator_code""", [month])
    not_met = [r for r in rows if r[9]]
    s.cards = [Card("Tháng số liệu", Cell(month_vi(month), month, "ind:month")),
               Card("Chỉ tiêu có số liệu", num(len(rows), "ind:count")),
               Card("Chưa đạt tiến độ kế hoạch", num(len(not_met), "ind:not_met", css="bad"
                                                     if not_met else "ok")),
               Card("Đạt tiến độ", num(sum(1 for r in rows if r[9] is False), "ind:met"))]
    table_rows, bars = [], []
    for code, name, unit, _provider, actual, cumul, plan, last, growth, bad, mo in rows:
        verdict = (Cell("Chưa đạt", True, f"ind:{code}:not_met", "bad") if bad
                   else Cell("Đạt", False, f"ind:{code}:not_met", "ok") if bad is False
                   else Cell("—", None, f"ind:{code}:not_met"))
        table_rows.append([text(code), text(name), text(unit), num(actual, f"ind:{code}:actual"),
                           num(cumul, f"ind:{code}:cumulative"),
                           num(plan, f"ind:{code}:plan"), num(last, f"ind:{code}:last_year"),
                           pct(growth, f"ind:{code}:growth"), verdict])
        if plan:
            rate = unit in ("%", "‰")
            value = (actual if rate else (cumul if cumul is not None else actual))
            bars.append((f"{code} {name[:38]}", None if value is None else value / plan,
                         1.0 if rate else mo / 12, "bad" if bad else "ok" if bad is False
                         else None))
    s.tables.append(Table(
        f"Chỉ tiêu tháng {month_vi(month)} (lũy kế từ đầu năm; kế hoạch năm)",
        [("Mã", False), ("Chỉ tiêu", False), ("ĐVT", False), ("Thực hiện tháng", True),
         ("Lũy kế", True), ("Kế hoạch năm", True), ("Cùng kỳ năm trước", True),
         ("So cùng kỳ", True), ("Đánh giá", False)], table_rows))
    if bars:
        s.charts.append(("Thực hiện so với kế hoạch năm (vạch đen: tiến độ cần đạt đến tháng "
                         f"{month_vi(month)})", progress_bars(bars, "Thực hiện so với kế hoạch")))
    s.notes.append("“Chưa đạt”: lũy kế (hoặc tỷ lệ) thấp hơn kế hoạch năm chia đều đến tháng "
                   "báo cáo với chỉ tiêu cần tăng, cao hơn với chỉ tiêu cần giảm.")
    return s


def budget_section(ctx: Context) -> Section:
    s = Section("ngan-sach", "Thu, chi ngân sách", ["budget_by_period"], ["finance"])
    month, note = ctx.ref_month("budget_by_period")
    if note:
        s.notes.append(note)
    if month is None:
        return s
    rows = ctx.rows(f"""SELECT direction, item_code, item_name, unit, estimate, actual,
                               achieved_pct FROM {ctx.m('budget_by_period')} WHERE period = ?
                        ORDER BY direction DESC, item_code""", [month])
    expected = int(month[5:7]) / 12
    for _direction, code, name, unit, _estimate, actual, achieved in rows:
        if code in ("T01", "C01"):
            s.cards.append(Card(f"{name} ({unit})", num(actual, f"budget:{code}:actual"),
                                f"{vn_number(achieved or 0, 1)}% dự toán năm"))
    s.tables.append(Table(
        f"Lũy kế đến tháng {month_vi(month)}",
        [("Thu/chi", False), ("Mã", False), ("Khoản mục", False), ("ĐVT", False),
         ("Dự toán năm", True), ("Thực hiện lũy kế", True), ("% dự toán", True)],
        [[text("Thu" if d == "thu" else "Chi"), text(code), text(name), text(unit),
          num(est, f"budget:{code}:estimate"), num(act, f"budget:{code}:actual"),
          pct(ach, f"budget:{code}:achieved_pct",
              "num bad" if d == "thu" and ach is not None and ach / 100 < expected else "num")]
         for d, code, name, unit, est, act, ach in rows]))
    s.charts.append((f"Thực hiện so với dự toán năm (vạch đen: {percent(expected, 0)} — tiến độ "
                     "chia đều)", progress_bars(
                         [(f"{'Thu' if d == 'thu' else 'Chi'} · {name[:40]}",
                           None if ach is None else ach / 100, expected,
                           ("bad" if ach is not None and ach / 100 < expected else "ok")
                           if d == "thu" else None)
                          for d, code, name, unit, est, act, ach in rows], "Thu chi ngân sách")))
    return s


def investment_section(ctx: Context, title: str = "Giải ngân vốn đầu tư công") -> Section:
    s = Section("dau-tu-cong", title, ["investment_disbursement"], ["finance"])
    rows = ctx.rows(f"""
        SELECT project_code, project_name, investor, commune_code, as_of, unit, plan_capital,
               disbursed, disbursed_pct, year_elapsed_pct, is_lagging
        FROM {ctx.m('investment_disbursement')}
        WHERE as_of <= ? AND {ctx.in_area()}
        QUALIFY row_number() OVER (PARTITION BY project_code ORDER BY as_of DESC) = 1
        ORDER BY disbursed_pct, project_code""", [ctx.period.end])
    if not rows:
        s.notes.append("Không có dự án có số liệu giải ngân đến hết kỳ báo cáo.")
        return s
    as_of = max(r[4] for r in rows)
    plan = sum(r[6] or 0 for r in rows)
    disbursed = sum(r[7] or 0 for r in rows)
    lagging = [r for r in rows if r[10]]
    s.cards = [Card("Số dự án", num(len(rows), "inv:projects")),
               Card(f"Kế hoạch vốn ({rows[0][5]})", num(plan, "inv:plan")),
               Card(f"Đã giải ngân ({rows[0][5]})", num(disbursed, "inv:disbursed"),
                    f"{percent(disbursed / plan if plan else None)} kế hoạch"),
               Card("Dự án chậm giải ngân", num(len(lagging), "inv:lagging",
                                                css="bad" if lagging else "ok"))]
    s.notes.append(f"Số liệu giải ngân đến ngày {as_of:%d/%m/%Y}.")
    s.charts.append(("Tỷ lệ giải ngân theo dự án (vạch đen: tỷ lệ thời gian đã qua của năm)",
                     progress_bars([(f"{r[0]} {r[1][:34]}", (r[8] or 0) / 100,
                                     (r[9] or 0) / 100, "bad" if r[10] else "ok")
                                    for r in rows[:25]], "Giải ngân theo dự án")))
    s.tables.append(Table(
        "Dự án chậm giải ngân (tỷ lệ giải ngân thấp hơn tỷ lệ thời gian đã qua)",
        [("Mã dự án", False), ("Tên dự án", False), ("Chủ đầu tư", False), ("Xã", False),
         ("Kế hoạch vốn", True), ("Đã giải ngân", True), ("% giải ngân", True),
         ("% thời gian", True)],
        [[text(r[0]), text(r[1]), text(r[2]), text(r[3]), num(r[6], f"inv:{r[0]}:plan"),
          num(r[7], f"inv:{r[0]}:disbursed"), pct(r[8], f"inv:{r[0]}:pct", "num bad"),
          pct(r[9])] for r in lagging], "Không có dự án chậm giải ngân."))
    return s


def enterprises_section(ctx: Context) -> Section:
    s = Section("doanh-nghiep", "Doanh nghiệp thành lập mới, giải thể", ["enterprises_by_month"],
                ["enterprises"])
    months, last = ctx.period.months, ctx.period.last_year().months
    query = (f"SELECT sum(founded), sum(dissolved), sum(suspended), sum(resumed), "
             f"sum(founded_capital_million_vnd) FROM {ctx.m('enterprises_by_month')} "
             f"WHERE list_contains(?, period) AND {ctx.in_area()}")
    now, before = ctx.one(query, [months]), ctx.one(query, [last])
    labels = ["Thành lập mới", "Giải thể", "Tạm ngừng kinh doanh", "Quay lại hoạt động"]
    keys = ["founded", "dissolved", "suspended", "resumed"]
    s.cards = [Card(label, num(now[i] or 0, f"ent:{keys[i]}"),
                    f"cùng kỳ: {vn_number(before[i] or 0)}") for i, label in enumerate(labels)]
    s.cards.append(Card("Vốn đăng ký mới (triệu đồng)", num(now[4] or 0, "ent:capital")))
    if ctx.period.kind in ("weekly", "ad-hoc"):
        s.notes.append("Số liệu đăng ký doanh nghiệp tổng hợp theo tháng: gồm các tháng "
                       + ", ".join(month_vi(m) for m in months) + ".")
    trend = _months_back(ctx.period.end_month, 12)
    found = dict(((p, (f, d)) for p, f, d in ctx.rows(
        f"SELECT period, sum(founded), sum(dissolved) FROM {ctx.m('enterprises_by_month')} "
        f"WHERE list_contains(?, period) AND {ctx.in_area()} GROUP BY ALL", [trend])))
    s.charts.append(("Số doanh nghiệp theo tháng (12 tháng đến hết kỳ)", line_chart(
        [month_vi(m) for m in trend],
        {"Thành lập mới": [found.get(m, (0, 0))[0] or 0 for m in trend],
         "Giải thể": [found.get(m, (0, 0))[1] or 0 for m in trend]},
        "Doanh nghiệp theo tháng", y_min=None, y_max=None, fmt=vn_auto)))
    return s


def _months_back(end_month: str, n: int) -> list[str]:
    year, month = int(end_month[:4]), int(end_month[5:7])
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _shapes(ctx: Context) -> list[tuple[str, str, dict]]:
    return [(code, name, json.loads(geo)) for code, name, geo in ctx.rows(f"""
        SELECT commune_code, commune_name,
               ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.002))
        FROM {ctx.m('dim_admin_units')} WHERE geom IS NOT NULL ORDER BY commune_code""")]


def population_section(ctx: Context) -> Section:
    s = Section("dan-so-ho-ngheo", "Dân số và hộ nghèo",
                ["population_by_commune_sex_age", "housing_poverty_by_commune",
                 "dim_admin_units"], ["population", "households", "map"])
    total, male, female, children, elderly, ref = ctx.one(f"""
        SELECT sum(population), sum(population) FILTER (WHERE sex_code = 1),
               sum(population) FILTER (WHERE sex_code = 2),
               sum(population) FILTER (WHERE age_band_start < 15),
               sum(population) FILTER (WHERE age_band_start >= 60), max(reference_date)
        FROM {ctx.m('population_by_commune_sex_age')} WHERE {ctx.in_area()}""")
    households, poor, near_poor = ctx.one(f"""
        SELECT sum(households), sum(poor_households), sum(near_poor_households)
        FROM {ctx.m('housing_poverty_by_commune')} WHERE {ctx.in_area()}""")
    s.cards = [Card("Dân số", num(total or 0, "pop:total"),
                    f"đến ngày {ref:%d/%m/%Y}" if ref else ""),
               Card("Nam / Nữ", Cell(f"{vn_number(male or 0)} / {vn_number(female or 0)}",
                                     male, "pop:male")),
               Card("Dưới 15 tuổi / từ 60 tuổi",
                    Cell(f"{vn_number(children or 0)} / {vn_number(elderly or 0)}", children,
                         "pop:children")),
               Card("Hộ dân (rà soát)", num(households or 0, "pov:households")),
               Card("Hộ nghèo", num(poor or 0, "pov:poor"),
                    f"tỷ lệ {percent(poor / households if households else None)}"),
               Card("Hộ cận nghèo", num(near_poor or 0, "pov:near_poor"))]
    by_commune = ctx.rows(f"""
        SELECT commune_code, commune_name, households, poor_households, near_poor_households,
               poor_rate_pct FROM {ctx.m('housing_poverty_by_commune')}
        WHERE {ctx.in_area()} ORDER BY poor_rate_pct DESC NULLS LAST, commune_code""")
    rates = {r[0]: r[5] for r in by_commune}
    s.charts.append(("Bản đồ tỷ lệ hộ nghèo theo xã, phường (ranh giới sau sắp xếp 2025)",
                     choropleth(_shapes(ctx), rates, "Tỷ lệ hộ nghèo theo xã, phường",
                                fmt=lambda v: vn_number(v, 1) + "%")))
    s.tables.append(Table(
        "Mười xã, phường có tỷ lệ hộ nghèo cao nhất",
        [("Mã", False), ("Xã, phường", False), ("Hộ dân", True), ("Hộ nghèo", True),
         ("Hộ cận nghèo", True), ("Tỷ lệ hộ nghèo", True)],
        [[text(r[0]), text(r[1]), num(r[2]), num(r[3], f"pov:{r[0]}:poor"), num(r[4]),
          pct(r[5], f"pov:{r[0]}:rate")] for r in by_commune[:10]]))
    return s


def feedback_section(ctx: Context, categories: tuple[str, ...] | None = None) -> Section:
    s = Section("phan-anh", "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
                ["feedback_handling"], ["feedback"])
    where = (f"list_contains(?, period) AND {ctx.in_area()}"
             + ("" if categories is None else f" AND list_contains({list(categories)!r}, "
                "category)"))
    query = (f"SELECT sum(received), sum(resolved_on_time), sum(resolved_late), "
             f"sum(open_cases), sum(avg_satisfaction * received) / nullif(sum(received) "
             f"FILTER (WHERE avg_satisfaction IS NOT NULL), 0) "
             f"FROM {ctx.m('feedback_handling')} WHERE {where}")
    received, on_time, late, open_cases, satisfaction = ctx.one(query, [ctx.period.months])
    before = ctx.one(query, [ctx.period.last_year().months])[0]
    resolved = (on_time or 0) + (late or 0)
    s.cards = [Card("Phản ánh tiếp nhận", num(received or 0, "fb:received"),
                    f"cùng kỳ: {vn_number(before or 0)}"),
               Card("Xử lý đúng hạn", num(on_time or 0, "fb:on_time"),
                    f"{percent(on_time / resolved if resolved else None)} số đã xử lý"),
               Card("Xử lý trễ hạn", num(late or 0, "fb:late", css="bad" if late else "ok")),
               Card("Đang xử lý", num(open_cases or 0, "fb:open")),
               Card("Mức hài lòng (1–5)", num(satisfaction, "fb:satisfaction", 2))]
    rows = ctx.rows(f"""
        SELECT category, sum(received), sum(resolved_on_time), sum(resolved_late),
               sum(open_cases), sum(avg_satisfaction * received) / nullif(sum(received)
               FILTER (WHERE avg_satisfaction IS NOT NULL), 0)
        FROM {ctx.m('feedback_handling')} WHERE {where} GROUP BY ALL
        ORDER BY 2 DESC, 1""", [ctx.period.months])
    s.tables.append(Table(
        "Theo lĩnh vực, trong các tháng " + ", ".join(month_vi(m) for m in ctx.period.months),
        [("Lĩnh vực", False), ("Tiếp nhận", True), ("Đúng hạn", True), ("Trễ hạn", True),
         ("Đang xử lý", True), ("Hài lòng", True)],
        [[text(c), num(r, f"fb:{c}:received"), num(o), num(la, css="num bad" if la else "num"),
          num(op), num(sat, decimals=2)] for c, r, o, la, op, sat in rows]))
    if ctx.period.kind in ("weekly", "ad-hoc"):
        s.notes.append("Số liệu phản ánh tổng hợp theo tháng.")
    return s


def environment_section(ctx: Context) -> Section:
    s = Section("moi-truong", "Môi trường và sự cố mực nước",
                ["pm25_exceedance_days", "pm25_exceedance_events", "water_level_events",
                 "dim_sensors"], ["iot"])
    sensors = ctx.rows(f"""
        SELECT sensor_id, sensor_name, sensor_type, longitude, latitude
        FROM {ctx.m('dim_sensors')} WHERE {_sensors_in_area(ctx)} ORDER BY sensor_id""")
    ids = [r[0] for r in sensors]
    days = ctx.rows(f"""
        SELECT sensor_id, count(*), max(mean_pm25), max(peak_pm25), any_value(limit_24h)
        FROM {ctx.m('pm25_exceedance_days')}
        WHERE day_local BETWEEN ? AND ? AND list_contains(?, sensor_id)
        GROUP BY ALL ORDER BY sensor_id""", [ctx.period.start, ctx.period.end, ids])
    events = ctx.rows(f"""
        SELECT sensor_id, start_day, end_day, days, max_daily_mean_pm25, peak_pm25
        FROM {ctx.m('pm25_exceedance_events')}
        WHERE start_day <= ? AND end_day >= ? AND list_contains(?, sensor_id)
        ORDER BY start_day, sensor_id""", [ctx.period.end, ctx.period.start, ids])
    water = ctx.rows(f"""
        SELECT sensor_id, started_at, ended_at, peak_level, highest_alarm_level
        FROM {ctx.m('water_level_events')}
        WHERE started_at::DATE BETWEEN ? AND ? AND list_contains(?, sensor_id)
        ORDER BY started_at, sensor_id""", [ctx.period.start, ctx.period.end, ids])
    names = {r[0]: r[1] for r in sensors}
    exceed = {r[0]: r[1] for r in days}
    s.cards = [Card("Trạm quan trắc", num(len(sensors), "env:sensors")),
               Card("Ngày PM2.5 vượt QCVN (trạm × ngày)",
                    num(sum(exceed.values()), "env:pm25_days",
                        css="bad" if exceed else "ok")),
               Card("Đợt ô nhiễm PM2.5", num(len(events), "env:pm25_events")),
               Card("Sự cố mực nước vượt báo động", num(len(water), "env:water_events",
                                                        css="bad" if water else "ok"))]
    s.charts.append(("Vị trí trạm quan trắc (đỏ: có ngày PM2.5 vượt ngưỡng trong kỳ; xanh "
                     "dương: trạm thủy văn, đo mưa)", choropleth(
                         _shapes(ctx), {}, "Trạm quan trắc", points=[
                             (lon, lat, f"{sid} {name}: {exceed.get(sid, 0)} ngày vượt",
                              "#b03a2e" if exceed.get(sid) else
                              "#1e8449" if kind == "AirQualityObserved" else "#1f618d")
                             for sid, name, kind, lon, lat in sensors
                             if lon is not None and lat is not None])))
    s.tables.append(Table(
        "Số ngày trung bình 24 giờ PM2.5 vượt ngưỡng QCVN 05:2023/BTNMT",
        [("Trạm", False), ("Tên trạm", False), ("Số ngày vượt", True),
         ("TB 24h cao nhất (µg/m³)", True), ("Đỉnh 1 giờ (µg/m³)", True), ("Ngưỡng", True)],
        [[text(sid), text(names.get(sid)), num(n, f"env:{sid}:pm25_days"), num(mean),
          num(peak), num(limit)] for sid, n, mean, peak, limit in days],
        "Không có ngày vượt ngưỡng trong kỳ."))
    s.tables.append(Table(
        "Sự cố mực nước vượt mức báo động",
        [("Trạm", False), ("Tên trạm", False), ("Bắt đầu", False), ("Kết thúc", False),
         ("Mực nước cao nhất", True), ("Cấp báo động", True)],
        [[text(sid), text(names.get(sid)), text(f"{start:%H:%M %d/%m/%Y}"),
          text(f"{end:%H:%M %d/%m/%Y}" if end else "đang diễn ra"), num(peak), num(level)]
         for sid, start, end, peak, level in water],
        "Không có sự cố mực nước vượt báo động trong kỳ."))
    return s


def _sensors_in_area(ctx: Context) -> str:
    if ctx.area is None:
        return "TRUE"
    return in_area_sql(ctx.area, "st_point(longitude, latitude)", ctx.m("dim_admin_units"))


def quality_section(ctx: Context, sources: list[str]) -> Section:
    s = Section("chat-luong", "Chất lượng dữ liệu của các nguồn trong báo cáo",
                ["quality_scorecard"], sources)
    rows = ctx.rows(f"""
        SELECT source, principle, sum(checked)::BIGINT, sum(passed)::BIGINT
        FROM {ctx.m('quality_scorecard')}
        WHERE list_contains(?, source) AND list_contains(?, left(period, 7))
        GROUP BY ALL ORDER BY ALL""", [sources, ctx.period.months])
    shares = {(src, p): (ok / c if c else None) for src, p, c, ok in rows}
    in_period = {r[0] for r in rows}
    s.charts.append(("Tỷ lệ đạt theo nguồn và nguyên tắc (đúng, đủ, sạch, sống) — kỳ báo cáo",
                     heatmap([(src, _source_name(src)) for src in sources],
                             [(p, vi) for p, vi in PRINCIPLES.items()], shares,
                             "Chất lượng dữ liệu theo nguồn")))
    s.tables.append(Table(
        "Bảng điểm chất lượng (bản ghi, lượt nộp, độ mới) trong kỳ",
        [("Nguồn", False), ("Nguyên tắc", False), ("Đã kiểm tra", True), ("Đạt", True),
         ("Tỷ lệ đạt", True)],
        [[text(_source_name(src)), text(PRINCIPLES.get(p, p)), num(c, f"dq:{src}:{p}:checked"),
          num(ok, f"dq:{src}:{p}:passed"), share(ok / c if c else None)]
         for src, p, c, ok in rows]))
    missing = [src for src in sources if src not in in_period]
    if missing:
        s.notes.append("Không có kết quả kiểm tra trong kỳ cho: "
                       + ", ".join(_source_name(m) for m in missing) + ".")
    warned = ctx.release.info.get("checks", {}).get("warnings", [])
    s.notes.append(("Kiểm tra mức cảnh báo không đạt khi công bố bản phát hành: "
                    + "; ".join(warned) + ".") if warned else
                   "Mọi kiểm tra khi công bố bản phát hành đều đạt.")
    return s


# ---------------------------------------------------------------- operations report
def ops_sources_section(ctx: Context, work_snapshot: int | None) -> Section:
    from connectors import SOURCES, get_connector

    s = Section("nguon-ket-noi", "Nguồn dữ liệu đã kết nối", [], list(SOURCES))
    deliveries = {src: (n, loaded, rejected, last) for src, n, loaded, rejected, last in ctx.rows(f"""
        SELECT source, count(*), count(*) FILTER (WHERE status = 'loaded'),
               count(*) FILTER (WHERE status NOT IN ('loaded', 'landed')), max(delivery_date)
        FROM {at_version('work.ops.deliveries', work_snapshot)}
        WHERE delivery_date BETWEEN ? AND ? GROUP BY ALL""",
        [ctx.period.start, ctx.period.end])}
    rows = []
    for src in SOURCES:
        contract = get_connector(src).contract
        n, loaded, rejected, last = deliveries.get(src, (0, 0, 0, None))
        rows.append([text(src), text(contract.raw.get("title", "")), text(contract.owner),
                     text(contract.raw.get("delivery", {}).get("cadence", "")),
                     num(n, f"ops:{src}:deliveries"), num(loaded, f"ops:{src}:loaded"),
                     num(rejected, f"ops:{src}:rejected", css="num bad" if rejected else "num"),
                     text(f"{last:%d/%m/%Y}" if last else "—")])
    s.cards = [Card("Nguồn đã kết nối", num(len(SOURCES), "ops:sources")),
               Card("Lượt nộp trong kỳ", num(sum(d[0] for d in deliveries.values()),
                                              "ops:deliveries")),
               Card("Lượt nộp bị từ chối", num(sum(d[2] for d in deliveries.values()),
                                                "ops:rejected"))]
    s.tables.append(Table("Nguồn, đơn vị cung cấp và lượt nộp trong kỳ",
                          [("Nguồn", False), ("Nội dung", False), ("Đơn vị", False),
                           ("Tần suất", False), ("Lượt nộp", True), ("Đã nạp", True),
                           ("Bị từ chối", True), ("Lần nộp gần nhất", False)], rows))
    return s


def ops_on_time_section(ctx: Context, work_snapshot: int | None) -> Section:
    s = Section("dung-han", "Nộp dữ liệu đúng hạn", [], [])
    rows = ctx.rows(f"""
        SELECT source, count(*), count(*) FILTER (WHERE status = 'on_time'),
               count(*) FILTER (WHERE status = 'late'), count(*) FILTER (WHERE status = 'missing')
        FROM {at_version('work.ops.delivery_completeness', work_snapshot)}
        WHERE due_date BETWEEN ? AND ? GROUP BY ALL ORDER BY source""",
        [ctx.period.start, ctx.period.end])
    s.sources = [r[0] for r in rows]
    due = sum(r[1] for r in rows)
    on_time = sum(r[2] for r in rows)
    s.cards = [Card("Lượt nộp đến hạn trong kỳ", num(due, "ops:due")),
               Card("Đúng hạn", num(on_time, "ops:on_time"),
                    percent(on_time / due if due else None)),
               Card("Nộp muộn", num(sum(r[3] for r in rows), "ops:late")),
               Card("Chưa nộp", num(sum(r[4] for r in rows), "ops:missing"))]
    s.tables.append(Table("Theo nguồn (kỳ nộp có hạn trong kỳ báo cáo)",
                          [("Nguồn", False), ("Đến hạn", True), ("Đúng hạn", True),
                           ("Muộn", True), ("Chưa nộp", True), ("Tỷ lệ đúng hạn", True)],
                          [[text(_source_name(src)), num(n), num(ok, f"ops:{src}:on_time"),
                            num(late), num(miss, css="num bad" if miss else "num"),
                            share(ok / n if n else None, f"ops:{src}:on_time_share")]
                           for src, n, ok, late, miss in rows]))
    if rows:
        s.charts.append(("Tỷ lệ nộp đúng hạn theo nguồn (vạch đen: 90 %)", progress_bars(
            [(_source_name(src), ok / n if n else None, 0.9,
              "bad" if n and ok / n < 0.9 else "ok") for src, n, ok, _, _ in rows],
            "Nộp đúng hạn")))
    return s


def ops_releases_section(ctx: Context, work_snapshot: int | None) -> Section:
    s = Section("phat-hanh", "Bản phát hành đã công bố, lần chạy bị chặn", [], [])
    start = datetime.combine(ctx.period.start, datetime.min.time())
    end = datetime.combine(ctx.period.end, datetime.max.time())
    releases = [r for r in list_releases(ctx.settings) if r.id <= ctx.release.id
                and start <= local_time(r.published_at) <= end]
    candidates = state.candidates_in(ctx.con, work_snapshot, start, end)
    blocked = _blocked_runs(ctx, work_snapshot, start, end)
    by_status: dict[str, int] = {}
    for c in candidates:
        by_status[c["status"]] = by_status.get(c["status"], 0) + 1
    s.cards = [Card("Bản phát hành công bố", num(len(releases), "ops:releases")),
               Card("Lần chạy bị cổng chất lượng chặn", num(len(blocked), "ops:blocked",
                                                            css="bad" if blocked else "ok")),
               Card("Ứng viên bị từ chối", num(by_status.get("rejected", 0), "ops:rejected_candidates")),
               Card("Khôi phục (rollback)", num(sum(1 for r in releases
                                                     if r.info.get("republished_from")),
                                                "ops:rollbacks"))]
    s.tables.append(Table("Các bản phát hành trong kỳ", [
        ("Số", True), ("Công bố lúc", False), ("Ứng viên", True), ("Phê duyệt", False),
        ("Kiểm tra đạt", True), ("Cảnh báo", True), ("Ghi chú", False)], [
        [num(r.id, f"ops:release:{r.id}"), text(f"{r.published_at:%H:%M %d/%m/%Y}"),
         num(r.info.get("candidate")), text((r.info.get("sign_off") or {}).get("approved_by")
                                            or "—"),
         text(f"{r.info.get('checks', {}).get('passed', '—')}/"
              f"{r.info.get('checks', {}).get('evaluated', '—')}"),
         num(len(r.info.get("checks", {}).get("warnings", []))),
         text(f"khôi phục bản {r.info['republished_from']}" if r.info.get("republished_from")
              else "")] for r in releases], "Không có bản phát hành nào trong kỳ."))
    s.tables.append(Table("Các lần chạy bị chặn (không công bố)", [
        ("Lần chạy", False), ("Thời điểm", False), ("Lý do", False)],
        [[text(b["run_id"][:8]), text(f"{b['started_at']:%H:%M %d/%m/%Y}"),
          text("; ".join(b["failures"])[:300])] for b in blocked], "Không có lần chạy nào bị chặn trong kỳ."))
    return s


def _blocked_runs(ctx: Context, work_snapshot: int | None, start, end) -> list[dict]:
    state.ensure(ctx.con)
    try:
        return state.blocked_runs(ctx.con, work_snapshot, start, end)
    except Exception as exc:  # noqa: BLE001 - a snapshot from before the table existed
        if "does not exist" in str(exc) or "not found" in str(exc).lower():
            return []
        raise


def ops_quality_trend_section(ctx: Context) -> Section:
    s = Section("xu-huong-chat-luong", "Xu hướng chất lượng dữ liệu theo đơn vị",
                ["quality_scorecard", "dim_providers"], [])
    rows = ctx.rows(f"""
        SELECT CASE WHEN sc.provider_code LIKE 'XA\\_%' ESCAPE '\\' THEN 'XA'
                    ELSE coalesce(sc.provider_code, sc.source) END AS unit,
               left(sc.period, 7) AS month, sum(sc.checked)::BIGINT, sum(sc.passed)::BIGINT
        FROM {ctx.m('quality_scorecard')} AS sc
        WHERE list_contains(?, left(sc.period, 7)) GROUP BY ALL ORDER BY ALL""",
                    [ctx.period.months])
    names = dict(ctx.rows(f"SELECT provider_code, provider_name FROM {ctx.m('dim_providers')}"))
    names["XA"] = "UBND các xã, phường"
    units = sorted({r[0] for r in rows})
    months = [m for m in ctx.period.months if any(r[1] == m for r in rows)]
    cells = {(u, m): (ok / c if c else None) for u, m, c, ok in rows}
    s.charts.append(("Tỷ lệ đạt theo đơn vị và tháng (mọi nguyên tắc)", heatmap(
        [(u, f"{u} — {names[u]}" if u in names else u) for u in units],
        [(m, month_vi(m)) for m in months], cells, "Chất lượng theo đơn vị và tháng")))
    by_principle = ctx.rows(f"""
        SELECT principle, left(period, 7), sum(checked)::BIGINT, sum(passed)::BIGINT
        FROM {ctx.m('quality_scorecard')} WHERE list_contains(?, left(period, 7))
        GROUP BY ALL""", [ctx.period.months])
    series = {f"{vi} ({p})": [next((ok / c for pp, mm, c, ok in by_principle
                                    if pp == p and mm == m and c), None) for m in months]
              for p, vi in PRINCIPLES.items()}
    s.charts.append(("Tỷ lệ đạt theo nguyên tắc qua các tháng", line_chart(
        [month_vi(m) for m in months], series, "Chất lượng theo tháng")))
    total = {u: (sum(c for uu, _, c, _ in rows if uu == u), sum(ok for uu, _, _, ok in rows
                                                                  if uu == u)) for u in units}
    s.tables.append(Table("Tỷ lệ đạt cả kỳ theo đơn vị", [
        ("Đơn vị", False), ("Đã kiểm tra", True), ("Đạt", True), ("Tỷ lệ đạt", True)],
        [[text(f"{u} — {names[u]}" if u in names else u), num(total[u][0]),
          num(total[u][1], f"dq:unit:{u}:passed"),
          share(total[u][1] / total[u][0] if total[u][0] else None, f"dq:unit:{u}:share")]
         for u in sorted(units, key=lambda u: (total[u][1] / total[u][0]) if total[u][0]
                         else 2)]))
    return s


# ---------------------------------------------------------------- sector view
def area_section(ctx: Context, sector: Sector) -> Section:
    s = Section("dia-ban", f"Địa bàn: {_area_vi(ctx.area)}", ["dim_admin_units",
                                                              "population_by_commune_sex_age"],
                ["map", "population"])
    pops = dict(ctx.rows(f"SELECT commune_code, sum(population) FROM "
                         f"{ctx.m('population_by_commune_sex_age')} WHERE {ctx.in_area()} "
                         "GROUP BY ALL"))
    names = dict(ctx.rows(f"SELECT commune_code, commune_name FROM {ctx.m('dim_admin_units')}"))
    s.cards = [Card("Số xã, phường trong địa bàn", num(len(ctx.communes), "area:communes")),
               Card("Dân số địa bàn", num(sum(v or 0 for v in pops.values()), "area:population"))]
    outline = None
    if ctx.area.kind == "polygon":
        outline = json.loads(ctx.one(f"SELECT ST_AsGeoJSON({ctx.area.area_sql()})")[0])
    points = ([(ctx.area.lon, ctx.area.lat, f"Tâm bán kính {ctx.area.km:g} km", "#1f618d")]
              if ctx.area.kind == "radius" else None)
    s.charts.append(("Bản đồ địa bàn: dân số các xã, phường được chọn (xám: ngoài địa bàn)",
                     choropleth(_shapes(ctx), {c: pops.get(c, 0) for c in ctx.communes},
                                "Địa bàn báo cáo", points=points, outline=outline)))
    s.tables.append(Table("Các xã, phường trong địa bàn", [
        ("Mã", False), ("Xã, phường", False), ("Dân số", True)],
        [[text(c), text(names.get(c)), num(pops.get(c, 0), f"area:{c}:population")]
         for c in ctx.communes], "Không có xã, phường nào trong địa bàn đã chọn."))
    return s


def _area_vi(area: Area) -> str:
    if area.kind == "commune":
        return f"xã/phường mã {area.commune_code}"
    if area.kind == "radius":
        return (f"bán kính {vn_number(area.km, 1)} km quanh điểm ({vn_number(area.lat, 4)}, "
                f"{vn_number(area.lon, 4)})")
    return "vùng vẽ trên bản đồ (đa giác)"


def population_detail_section(ctx: Context) -> Section:
    s = Section("co-cau-dan-so", "Cơ cấu dân số theo độ tuổi của địa bàn",
                ["population_by_commune_sex_age"], ["population"])
    rows = ctx.rows(f"""SELECT age_band, age_band_start, sum(population) FILTER (WHERE sex_code = 1),
                               sum(population) FILTER (WHERE sex_code = 2), sum(population)
                        FROM {ctx.m('population_by_commune_sex_age')} WHERE {ctx.in_area()}
                        GROUP BY ALL ORDER BY age_band_start""")
    s.tables.append(Table("Dân số theo nhóm tuổi", [
        ("Nhóm tuổi", False), ("Nam", True), ("Nữ", True), ("Tổng", True)],
        [[text(b), num(m), num(f), num(t, f"popage:{b}")] for b, _, m, f, t in rows]))
    return s


def births_section(ctx: Context) -> Section:
    s = Section("sinh", "Trẻ sinh ra trong kỳ", ["births_by_commune_month"], ["population"])
    rows = ctx.rows(f"""SELECT strftime(birth_month, '%Y-%m') AS m, sum(births)
                        FROM {ctx.m('births_by_commune_month')}
                        WHERE {ctx.in_area()} AND list_contains(?, strftime(birth_month, '%Y-%m'))
                        GROUP BY ALL ORDER BY 1""", [ctx.period.months])
    s.cards = [Card("Trẻ sinh ra", num(sum(r[1] for r in rows), "births:total"))]
    s.tables.append(Table("Theo tháng", [("Tháng", False), ("Số trẻ", True)],
                          [[text(month_vi(m)), num(n)] for m, n in rows]))
    return s


def schools_section(ctx: Context) -> Section:
    s = Section("tuyen-sinh", "Dự báo tuyển sinh đầu cấp theo dân số", ["school_age_cohorts"],
                ["population"])
    rows = ctx.rows(f"""SELECT school_year, level_name, sum(children)
                        FROM {ctx.m('school_age_cohorts')} WHERE {ctx.in_area()}
                        GROUP BY ALL ORDER BY 1, 2""")
    s.tables.append(Table("Số trẻ vào đầu cấp theo năm học", [
        ("Năm học", False), ("Cấp", False), ("Số trẻ", True)],
        [[text(y), text(level), num(n, f"school:{y}:{level}")] for y, level, n in rows]))
    return s


def beneficiaries_section(ctx: Context) -> Section:
    s = Section("doi-tuong-chinh-sach", "Đối tượng chính sách", ["policy_beneficiaries_by_commune"],
                ["households"])
    rows = ctx.rows(f"""SELECT policy_group, sum(households), sum(members), sum(poor_households)
                        FROM {ctx.m('policy_beneficiaries_by_commune')} WHERE {ctx.in_area()}
                        GROUP BY ALL ORDER BY 1""")
    s.tables.append(Table("Theo nhóm chính sách", [
        ("Nhóm", False), ("Số hộ", True), ("Nhân khẩu", True), ("Hộ nghèo", True)],
        [[text(g), num(h, f"policy:{g}:households"), num(m), num(p)] for g, h, m, p in rows]))
    return s


def housing_section(ctx: Context) -> Section:
    s = Section("ho-tro-nha-o", "Nhà ở cần hỗ trợ (nhà tạm, dột nát)", ["housing_support_map"],
                ["housing", "households"])
    where = ("TRUE" if ctx.area is None else
             in_area_sql(ctx.area, "geom", ctx.m("dim_admin_units")))
    rows = ctx.rows(f"""SELECT structure_type, poverty_status, count(*)
                        FROM {ctx.m('housing_support_map')} WHERE {where}
                        GROUP BY ALL ORDER BY 1, 2""")
    status_vi = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "none": "không thuộc diện"}
    s.cards = [Card("Nhà cần hỗ trợ trong địa bàn", num(sum(r[2] for r in rows), "housing:total"))]
    s.tables.append(Table("Theo loại nhà và diện hộ", [
        ("Loại nhà", False), ("Diện hộ", False), ("Số nhà", True)],
        [[text(t), text(status_vi.get(p, p)), num(n)] for t, p, n in rows]))
    s.notes.append("Vị trí nhà được làm tròn theo ô lưới (không công bố tọa độ chính xác).")
    return s


EXTRAS: dict[str, Callable[[Context], Section]] = {
    "population": population_detail_section, "births": births_section,
    "schools": schools_section, "investment": lambda ctx: investment_section(
        ctx, "Dự án đầu tư công trên địa bàn"),
    "environment": environment_section, "poverty": population_section,
    "beneficiaries": beneficiaries_section, "housing": housing_section,
}


# ---------------------------------------------------------------- provenance
def _source_name(source: str) -> str:
    from connectors import SOURCES, get_connector

    if source not in SOURCES:
        return source
    return f"{get_connector(source).contract.raw.get('title', source)} ({source})"


def as_of_rows(ctx: Context, sources: list[str]) -> list[dict]:
    """Per source: its latest period in the release's scorecard, and (from the release's
    metadata) its last delivery and newest record when published."""
    latest = dict(ctx.rows(f"""
        SELECT source, max(period) FROM {ctx.m('quality_scorecard')}
        WHERE measure IN ('records', 'deliveries') AND list_contains(?, source)
        GROUP BY ALL""", [sources]))
    recorded = ctx.release.info.get("as_of", {})
    out = []
    for src in sources:
        info = recorded.get(src, {})
        out.append({"source": src, "name": _source_name(src), "latest_period": latest.get(src),
                    "last_delivery": info.get("last_delivery"),
                    "newest_record": info.get("newest_record")})
    return out


def warned_by(release: Release, section: Section) -> list[str]:
    """The release's warn-level failed checks on the section's sources or marts."""
    out = []
    for warning in release.info.get("checks", {}).get("warnings", []):
        asset, _, check = warning.rpartition(":")
        on_source = any(check == f"{p}_{src}" for p in SOURCE_CHECK_PREFIXES
                        for src in section.sources)
        on_mart = any(m in asset.split("/") or check.endswith(m) or f"_{m}_" in check
                      for m in section.marts)
        if on_source or on_mart:
            out.append(check or warning)
    return out


def latest_good_notice(settings: Settings, release: Release) -> str | None:
    """When the newest attempt after ``release`` did not publish (a run blocked by the gate,
    a candidate rejected or waiting for sign-off), the sentence saying this report uses the
    latest good release instead."""
    from ioc_pipelines.core.candidates import list_candidates

    after = local_time(release.published_at)
    with connect(settings) as con:
        state.ensure(con)
        blocked = next((b for b in reversed(state.blocked_runs(con, None))
                        if b["started_at"] > after), None)
    pending = [c for c in list_candidates(settings)
               if c.created_at > after and c.status in ("waiting", "rejected")]
    if blocked:
        why = "; ".join(blocked["failures"])[:200]
        return (f"Lần chạy mới nhất ({blocked['started_at']:%H:%M %d/%m/%Y}) bị cổng chất lượng chặn "
                f"({why}). Báo cáo này dùng bản phát hành gần nhất đã qua kiểm tra: số "
                f"{release.id}, công bố lúc {release.published_at:%H:%M %d/%m/%Y}.")
    if pending:
        c = pending[-1]
        decided = "đang chờ phê duyệt" if c.status == "waiting" else "đã bị từ chối"
        return (f"Ứng viên phát hành mới nhất (số {c.id}, {c.created_at:%H:%M %d/%m/%Y}) {decided}. "
                f"Báo cáo này dùng bản phát hành gần nhất đã qua kiểm tra: số {release.id}, "
                f"công bố lúc {release.published_at:%H:%M %d/%m/%Y}.")
    return None


# ---------------------------------------------------------------- the engine
def build(settings: Settings, kind: str, period: Period, release: Release, *,
          sector: Sector | None = None, area: Area | None = None) -> dict:
    """The report's content: sections, provenance, title — what the template renders."""
    from ioc_pipelines.resources.extensions import ensure_extensions

    if kind == "operations" and period.kind not in OPERATIONS_PERIODS:
        raise ReportError("the operations report is made for a quarter, a half-year or a year "
                          "(e.g. --period 2026-Q3, 2026-H1, 2026)")
    if kind == "sector" and (sector is None or area is None):
        raise ReportError("a sector view needs --sector and --area")
    work_snapshot = release.info.get("work_snapshot")
    with connect(settings, work=True, published=True, published_snapshot=release.id) as con:
        ensure_extensions(con, ["spatial"])
        ctx = Context(settings, con, release, period, area=area)
        if kind == "briefing":
            sections = [indicators_section(ctx), budget_section(ctx), investment_section(ctx),
                        enterprises_section(ctx), population_section(ctx),
                        feedback_section(ctx), environment_section(ctx)]
        elif kind == "operations":
            sections = [ops_sources_section(ctx, work_snapshot),
                        ops_on_time_section(ctx, work_snapshot),
                        ops_releases_section(ctx, work_snapshot),
                        ops_quality_trend_section(ctx)]
        else:
            try:
                ctx.communes = [c for (c,) in ctx.rows(
                    f"SELECT commune_code FROM {ctx.m('dim_admin_units')} WHERE "
                    f"{in_area_sql(area, 'geom', ctx.m('dim_admin_units'), communes=True)} "
                    "ORDER BY commune_code")]
            except Exception as exc:  # noqa: BLE001 - e.g. a polygon DuckDB cannot read
                raise ReportError(f"the area cannot be used: {str(exc).splitlines()[0]}") from None
            sections = [area_section(ctx, sector),
                        indicators_section(ctx, sector.indicators,
                                           f"Chỉ tiêu ngành {sector.name_vi.lower()} (toàn tỉnh)"),
                        feedback_section(ctx, sector.feedback)]
            sections += [EXTRAS[e](ctx) for e in sector.extras]
        sources = sorted({src for s in sections for src in s.sources})
        if kind != "operations":
            sections.append(quality_section(ctx, sources))
        as_of = as_of_rows(ctx, sources)
    for number, s in enumerate(sections, start=1):
        s.title = f"{number}. {s.title}"
        s.warnings = warned_by(release, s)
    return {"sections": sections, "as_of": as_of, "work_snapshot": work_snapshot}


def figures_of(sections: list[Section]) -> dict:
    """data-key → value of every keyed figure (what the HTML carries as data-value)."""
    out = {}
    for s in sections:
        for card in s.cards:
            if card.cell.key:
                out[card.cell.key] = card.cell.value
        for table in s.tables:
            for row in table.rows:
                for cell in row:
                    if cell.key:
                        out[cell.key] = cell.value
    return out


def data_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def report_key(kind: str, period: Period, release_id: int, sector: Sector | None,
               area: Area | None) -> str:
    stem = (FILE_STEMS[kind] if kind != "sector"
            else f"linh-vuc-{sector.key.replace('_', '-')}-{area.slug}")
    return f"reports/{kind}/{period.folder}/release-{release_id}/{stem}"


def render_report(settings: Settings, kind: str, period: Period, *,
                  release_id: int | None = None, sector: str | None = None,
                  area: Area | None = None, pdf: bool = True) -> RenderedBriefing:
    """Render one report (HTML, and PDF unless ``pdf=False``) from a release (default: the
    current one, with a notice when a newer run did not publish), store both on the object
    store under ``reports/<kind>/<period>/release-<N>/`` and under $IOC_HOME/reports."""
    from ioc_pipelines.reports.pdf import html_to_pdf
    from ioc_pipelines.resources.object_store import object_store

    if kind not in REPORT_KINDS:
        raise ReportError(f"unknown report kind {kind!r} (one of {', '.join(REPORT_KINDS)}, "
                          "population)")
    sector_def = None
    if kind == "sector":
        if sector not in SECTORS:
            raise ReportError(f"unknown sector {str(sector)[:30]!r} (one of "
                              f"{', '.join(SECTORS)})")
        sector_def = SECTORS[sector]
    release = (get_release(settings, release_id) if release_id is not None
               else current_release(settings))
    if release is None:
        raise ReportError("no published release yet: run `ioc run` first" if release_id is None
                          else f"release {release_id} does not exist (see `ioc releases`)")
    notice = latest_good_notice(settings, release) if release_id is None else None
    content = build(settings, kind, period, release, sector=sector_def, area=area)
    title = TITLES[kind] + (f": {sector_def.name_vi}" if sector_def else "")
    html = environment().get_template("briefing.html.j2").render(
        province=PROVINCE_NAMES.get(settings.province_code, settings.province_code),
        title=title, kind=kind, period=period, release=release, notice=notice,
        sector=sector_def, area=area, area_vi=_area_vi(area) if area else None,
        data_value=data_value, source_name=_source_name, **content)
    key = report_key(kind, period, release.id, sector_def, area)
    store = object_store(settings)
    local = settings.reports_dir / (key.removeprefix("reports/") + ".html")
    local.parent.mkdir(parents=True, exist_ok=True)
    data = html.encode("utf-8")
    local.write_bytes(data)
    store.put_bytes(settings.published_bucket, key + ".html", data)
    pdf_path = None
    if pdf:
        pdf_path = local.with_suffix(".pdf")
        html_to_pdf(local, pdf_path, created=release.published_at, chromium=settings.chromium)
        store.put_file(settings.published_bucket, key + ".pdf", pdf_path)
    return RenderedBriefing(kind, period, release.id, key + ".html", local, pdf_path,
                            figures_of(content["sections"]), notice)


def list_reports(settings: Settings) -> list[dict]:
    """Every report stored on the object store (reports/<kind>/<period>/…), by kind and
    period."""
    from ioc_pipelines.resources.object_store import object_store

    out = []
    for info in object_store(settings).list(settings.published_bucket, "reports/"):
        parts = info.key.split("/")
        out.append({"key": info.key, "kind": parts[1] if len(parts) > 2 else "",
                    "period": parts[2] if len(parts) > 3 else "", "size": info.size})
    return sorted(out, key=lambda r: (r["kind"], r["period"], r["key"]))
