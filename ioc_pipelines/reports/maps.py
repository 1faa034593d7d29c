"""Maps for the reports, drawn with matplotlib from the real boundaries (GeoJSON, WGS84): a
choropleth of the communes by quantile class, an area's outline, stations with their names,
and a legend in the map's own colours."""

from __future__ import annotations

import math

import numpy as np
from markupsafe import Markup
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.charts import INK, NO_DATA
from ioc_pipelines.reports.drawing import Drawing, fit, text_width

MAX_NAMED_POINTS = 40  # more stations than this: names only as each point's title
# sequential classes of a choropleth, light to dark
MAP_CLASSES = ["#fef5e7", "#f8c471", "#eb984e", "#cb4335", "#78281f"]
LEGEND_W, MAX_MAP_H, NAME_SIZE = 170, 620, 10


def class_breaks(values: list[float], classes: int = len(MAP_CLASSES)) -> list[float]:
    """Upper bounds of ``classes`` quantile classes of the values (deterministic)."""
    ordered = sorted(values)
    if not ordered:
        return []
    return sorted({ordered[min(len(ordered) - 1, math.ceil(len(ordered) * k / classes) - 1)]
                   for k in range(1, classes + 1)})


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return geometry["coordinates"]
    if kind == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries", []) for r in _rings(g)]
    return []


def _path(geometry: dict) -> Path:
    """Every ring of ``geometry`` as one path (holes, wound the other way, stay holes)."""
    vertices, codes = [], []
    for ring in _rings(geometry):
        if len(ring) < 3:
            continue
        vertices += [(p[0], p[1]) for p in ring] + [(ring[0][0], ring[0][1])]
        codes += [Path.MOVETO] + [Path.LINETO] * (len(ring) - 1) + [Path.CLOSEPOLY]
    return Path(np.array(vertices or [(0.0, 0.0)], dtype=float), codes or None)


def choropleth(shapes: list[tuple[str, str, dict]], values: dict[str, float | None],
               title: str, fmt=vi_format.number,
               points: list[tuple[float, float, str, str]] | None = None,
               outline: dict | None = None, width: int = 700,
               point_legend: list[tuple[str, str]] | None = None) -> Markup:
    """A map: each shape (code, name, GeoJSON geometry in WGS84) filled by the class of its
    value (grey without one), an optional outline (the area of a sector view) and points
    (lon, lat, label, colour) named beside them when few (``point_legend``: (colour,
    meaning) of the points). Equirectangular, scaled by the cosine of the mid latitude —
    true enough at a province's size."""
    rings = [r for _, _, g in shapes for r in _rings(g)] + (_rings(outline) if outline else [])
    lons = [p[0] for r in rings for p in r] + [p[0] for p in points or []]
    lats = [p[1] for r in rings for p in r] + [p[1] for p in points or []]
    if not lons:
        with Drawing(width, 40, title) as d:
            d.canvas().text(10, 24, "Không có ranh giới để vẽ", fontsize=13, color=INK)
            return d.svg()
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    map_w = width - LEGEND_W - 20
    scale = map_w / max((max_lon - min_lon) * k, 1e-9)
    if (max_lat - min_lat) * scale > MAX_MAP_H:  # a tall province: fit the height instead
        scale = MAX_MAP_H / max(max_lat - min_lat, 1e-9)
    map_w, map_h = (max_lon - min_lon) * k * scale, (max_lat - min_lat) * scale
    known = [v for v in values.values() if v is not None]
    breaks = class_breaks(known)
    legend_rows = (len(breaks) + 1 if known else 0) + len(point_legend or [])
    height = max(map_h + 20, 40 + 22 * legend_rows)
    with Drawing(width, math.ceil(height), title) as d:
        ax = d.figure.add_axes((10 / width, 1 - (10 + map_h) / d.height, map_w / width,
                                map_h / d.height))
        ax.set_xlim(min_lon, max_lon if max_lon > min_lon else min_lon + 1e-6)
        ax.set_ylim(min_lat, max_lat if max_lat > min_lat else min_lat + 1e-6)
        ax.set_axis_off()
        for code, name, geometry in shapes:
            value = values.get(code)
            colour = (NO_DATA if value is None else
                      MAP_CLASSES[next((i for i, b in enumerate(breaks) if value <= b),
                                       len(breaks) - 1)])
            d.tag(ax.add_patch(PathPatch(_path(geometry), facecolor=colour,
                                         edgecolor="#ffffff", linewidth=0.6)),
                  f"{name}: " + ("không có số liệu" if value is None else fmt(value)),
                  code=code, value=value)
        if outline:
            d.tag(ax.add_patch(PathPatch(_path(outline), fill=False, edgecolor="#1f618d",
                                         linewidth=2.5, linestyle=(0, (6, 3)))), role="outline")
        _stations(d, ax, points or [], lambda lon: 10 + (lon - min_lon) * k * scale, map_w)
        handles = []
        if known:
            lows = [min(known)] + breaks[:-1]
            handles += [Patch(facecolor=MAP_CLASSES[i], edgecolor="#aab7b8",
                              label=f"{fmt(low)} – {fmt(upper)}")
                        for i, (low, upper) in enumerate(zip(lows, breaks, strict=True))]
            handles.append(Patch(facecolor=NO_DATA, edgecolor="#aab7b8",
                                 label="không có số liệu"))
        handles += [Line2D([], [], linestyle="none", marker="o", markersize=10,
                           markerfacecolor=colour, markeredgecolor="#111111",
                           label=fit(meaning, LEGEND_W - 40, 11)[0])
                    for colour, meaning in point_legend or []]
        if handles:
            d.figure.legend(handles=handles, loc="upper left", frameon=False, fontsize=11,
                            handlelength=1.4, borderaxespad=0,
                            bbox_to_anchor=((width - LEGEND_W + 8) / width, 1 - 16 / d.height))
        return d.svg()


def _stations(d: Drawing, ax, points: list[tuple[float, float, str, str]], x_px,
              map_w: float) -> None:
    """Each point a circle with its label as title; its name beside it (right, or left when
    the right has no room, cut to the room there is) when there are few."""
    named = len(points) <= MAX_NAMED_POINTS
    for lon, lat, label, colour in points:
        d.tag(ax.plot([lon], [lat], "o", markersize=12, markerfacecolor=colour,
                      markeredgecolor="#111111", markeredgewidth=1)[0], label, role="station")
        if not named:
            continue
        name, x = label.split(":")[0], x_px(lon)
        right_room, left_room = 10 + map_w - (x + 9), x - 9
        on_right = text_width(name, NAME_SIZE) <= right_room or right_room >= left_room
        shown, _ = fit(name, max(right_room if on_right else left_room, 30), NAME_SIZE)
        ax.annotate(shown, (lon, lat), xytext=(9 if on_right else -9, 0),
                    textcoords="offset points", ha="left" if on_right else "right",
                    va="center", fontsize=NAME_SIZE, color=INK)
