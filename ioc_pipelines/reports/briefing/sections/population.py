"""Dân số và hộ nghèo: population by sex and age group (mart ``population_by_commune``, which
defines the groups), households, poor and near-poor households, and the poverty-rate map by
commune (mart ``housing_poverty_by_commune``)."""

from __future__ import annotations

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Cell, Section, Table, num, pct, text
from ioc_pipelines.reports.briefing.sections.maps import commune_shapes
from ioc_pipelines.reports.maps import choropleth


def section(ctx: Context) -> Section:
    s = Section("dan-so-ho-ngheo", "Dân số và hộ nghèo",
                ["population_by_commune", "housing_poverty_by_commune", "dim_admin_units"],
                ["population", "households", "map"])
    pop = ctx.first("population_total")
    pov = ctx.first("poverty_total")
    ref = pop["reference_date"]
    s.cards = [Card("Dân số", num(pop["total"] or 0, "pop:total"),
                    f"đến ngày {ref:%d/%m/%Y}" if ref else ""),
               Card("Nam / Nữ", Cell(f"{vi_format.number(pop['male'] or 0)} / "
                                     f"{vi_format.number(pop['female'] or 0)}", pop["male"],
                                     "pop:male")),
               Card("Dưới 15 tuổi / từ 60 tuổi",
                    Cell(f"{vi_format.number(pop['children'] or 0)} / {vi_format.number(pop['elderly'] or 0)}",
                         pop["children"], "pop:children")),
               Card("Hộ dân (rà soát)", num(pov["households"] or 0, "pov:households")),
               Card("Hộ nghèo", num(pov["poor"] or 0, "pov:poor"),
                    f"tỷ lệ {vi_format.percent(pov['poor'] / pov['households'] if pov['households'] else None)}"),
               Card("Hộ cận nghèo", num(pov["near_poor"] or 0, "pov:near_poor"))]
    by_commune = ctx.query("poverty_by_commune")
    rates = {r["commune_code"]: r["poor_rate_pct"] for r in by_commune}
    s.charts.append(("Bản đồ tỷ lệ hộ nghèo theo xã, phường (ranh giới sau sắp xếp 2025)",
                     choropleth(commune_shapes(ctx), rates, "Tỷ lệ hộ nghèo theo xã, phường",
                                fmt=lambda v: vi_format.number(v, 1) + "%")))
    s.tables.append(Table(
        "Mười xã, phường có tỷ lệ hộ nghèo cao nhất",
        [("Mã", False), ("Xã, phường", False), ("Hộ dân", True), ("Hộ nghèo", True),
         ("Hộ cận nghèo", True), ("Tỷ lệ hộ nghèo", True)],
        [[text(r["commune_code"]), text(r["commune_name"]), num(r["households"]),
          num(r["poor_households"], f"pov:{r['commune_code']}:poor"),
          num(r["near_poor_households"]), pct(r["poor_rate_pct"], f"pov:{r['commune_code']}:rate")]
         for r in by_commune[:10]]))
    return s
