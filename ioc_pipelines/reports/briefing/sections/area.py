"""The sector view's area: the communes inside a commune, polygon or radius, their population
and the map of the area (marts ``dim_admin_units``, ``population_by_commune``)."""

from __future__ import annotations

import json

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.areas import Area
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, num, text
from ioc_pipelines.reports.briefing.sections.maps import commune_shapes
from ioc_pipelines.reports.maps import choropleth


def area_vi(area: Area) -> str:
    """The area in words, for titles."""
    if area.kind == "commune":
        return f"xã/phường mã {area.commune_code}"
    if area.kind == "radius":
        return (f"bán kính {vi_format.number(area.km, 1)} km quanh điểm ({vi_format.number(area.lat, 4)}, "
                f"{vi_format.number(area.lon, 4)})")
    return "vùng vẽ trên bản đồ (đa giác)"


def section(ctx: Context) -> Section:
    s = Section("dia-ban", f"Địa bàn: {area_vi(ctx.area)}",
                ["dim_admin_units", "population_by_commune"], ["map", "population"])
    pops = {r["commune_code"]: r["population"] for r in ctx.query("area_population")}
    names = {r["commune_code"]: r["commune_name"] for r in ctx.query("commune_names")}
    s.cards = [Card("Số xã, phường trong địa bàn", num(len(ctx.communes), "area:communes")),
               Card("Dân số địa bàn", num(sum(v or 0 for v in pops.values()), "area:population"))]
    outline = (json.loads(ctx.first("polygon_geojson")["geojson"])
               if ctx.area.kind == "polygon" else None)
    points = ([(ctx.area.lon, ctx.area.lat, f"Tâm bán kính {ctx.area.km:g} km", "#1f618d")]
              if ctx.area.kind == "radius" else None)
    s.charts.append(("Bản đồ địa bàn: dân số các xã, phường được chọn (xám: ngoài địa bàn)",
                     choropleth(commune_shapes(ctx), {c: pops.get(c, 0) for c in ctx.communes},
                                "Địa bàn báo cáo", points=points, outline=outline)))
    s.tables.append(Table("Các xã, phường trong địa bàn", [
        ("Mã", False), ("Xã, phường", False), ("Dân số", True)],
        [[text(c), text(names.get(c)), num(pops.get(c, 0), f"area:{c}:population")]
         for c in ctx.communes], "Không có xã, phường nào trong địa bàn đã chọn."))
    return s
