"""Charts for the HTML reports as inline SVG, drawn here: no script, no web font, nothing
fetched — the page renders the same offline, in a browser and in a PDF, byte for byte."""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

from ioc_pipelines.core import vi_format

# pass share → colour, worst first (the liaison team reads red as "look here")
SHARE_COLOURS = [(0.80, "#b03a2e"), (0.90, "#e67e22"), (0.95, "#f1c40f"), (0.99, "#58b368"),
                 (1.01, "#1e8449")]
NO_DATA = "#d5d8dc"
SERIES_COLOURS = ["#1f618d", "#b03a2e", "#1e8449", "#af601a", "#6c3483", "#117a65"]


def share_colour(share: float | None) -> str:
    if share is None:
        return NO_DATA
    return next(colour for limit, colour in SHARE_COLOURS if share < limit)


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(  # noqa: S704 - every label and text in body is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def fit(label: str, room: float, size: float) -> tuple[str, bool]:
    """``label`` cut to what ``room`` px hold at ``size`` px (an average glyph of Noto Sans is
    about 0.58 em), ending in "…" when cut; (text, cut)."""
    most = max(4, int(room / (size * 0.58)))
    return (label, False) if len(label) <= most else (label[:most - 1].rstrip() + "…", True)


def _row_label(x: float, y: float, label: str, room: float, size: int = 12) -> str:
    """A row's label right-aligned at ``x``: cut to ``room`` px, the full text as its title."""
    shown, cut = fit(label, room, size)
    tip = f"<title>{escape(label)}</title>" if cut else ""
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="end" font-size="{size}">{tip}'
            f"{escape(shown)}</text>")


def heatmap(rows: list[tuple[str, str]], columns: list[tuple[str, str]],
            shares: dict[tuple[str, str], float | None], title: str) -> Markup:
    """Rows (key, label) × columns (key, label); each cell coloured by its pass share and
    labelled with it. A cell without data is grey."""
    label_w, cell_w, cell_h, head_h = 300, 96, 26, 30
    width, height = label_w + cell_w * len(columns), head_h + cell_h * len(rows) + 4
    body = []
    for j, (_, label) in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        body.append(f'<text x="{x:.0f}" y="20" text-anchor="middle" font-weight="bold" '
                    f'font-size="13">{escape(label)}</text>')
    for i, (row_key, label) in enumerate(rows):
        y = head_h + i * cell_h
        body.append(_row_label(label_w - 8, y + 17, label, label_w - 12))
        for j, (col_key, _) in enumerate(columns):
            share = shares.get((row_key, col_key))
            x = label_w + j * cell_w
            text_colour = "#fff" if share is not None and share < 0.90 else "#111"
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}"'
                        f' fill="{share_colour(share)}" data-share="{"" if share is None else f"{share:.4f}"}">'
                        f"<title>{escape(label)}: {vi_format.percent(share)}</title></rect>")
            body.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + 17}" text-anchor="middle" '
                        f'font-size="12" fill="{text_colour}">{vi_format.percent(share)}</text>')
    return _svg(width, height, body, title)


def _nice_top(value: float) -> float:
    """The round number at or above ``value`` an axis ends on (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= value)


def line_chart(x_labels: list[str], series: dict[str, list[float | None]], title: str,
               y_min: float | None = 0.8, y_max: float | None = 1.0, fmt=None,
               counts: bool = False) -> Markup:
    """Each series over the x labels. By default a pass share from ``y_min`` to 100 %; with
    ``y_min=None`` the axis starts at the lowest value rounded down, with ``y_max=None`` it
    ends at a round number above the highest; ``fmt`` labels the axis (default percent);
    ``counts``: the axis from 0 in whole steps (a count is never 2,5), labelled as counts."""
    fmt = vi_format.count if counts else (fmt or (lambda v: vi_format.percent(v, 0)))
    left, right, top, bottom, width, height = 70, 170, 16, 40, 720, 260
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for vs in series.values() for v in vs if v is not None]
    if counts:  # four steps from 0, each a whole round number (1, 2, 5, 10, 25 …)
        low, high = 0.0, 4.0 * math.ceil(_nice_top(max(values, default=1.0) / 4))
    elif y_max is None:
        high = _nice_top(max(values, default=1.0))
        low = 0.0 if y_min is None else y_min
    else:
        high = y_max
        low = min([y_min if y_min is not None else 0.0] + values)
        low = max(0.0, (int(low * 20) / 20))  # round down to 5 %

    def px(i: int) -> float:
        return left + (plot_w * i / max(1, len(x_labels) - 1) if len(x_labels) > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - low) / ((high - low) or 1))

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fbfcfc" '
            'stroke="#ccd1d1"/>']
    for k in range(5):
        v = low + (high - low) * k / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
                    'stroke="#e5e8e8"/>')
        body.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end" '
                    f'font-size="11">{escape(fmt(v))}</text>')
    step = max(1, math.ceil(len(x_labels) / 12))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            body.append(f'<text x="{px(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                        f'font-size="11">{escape(label)}</text>')
    for n, (name, vs) in enumerate(series.items()):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        points = [(px(i), py(v), v) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                        + " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points) + '"/>')
        for x, y, v in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                        f"<title>{escape(name)}: {escape(fmt(v))}</title></circle>")
        ly = top + 14 + 18 * n
        body.append(f'<rect x="{width - right + 14}" y="{ly - 9}" width="12" height="12" '
                    f'fill="{colour}"/><text x="{width - right + 32}" y="{ly + 1}" '
                    f'font-size="12">{escape(name)}</text>')
    return _svg(width, height, body, title)


def progress_bars(items: list[tuple[str, float | None, float | None, str | None]],
                  title: str) -> Markup:
    """Actual against plan: one bar per item (label, achieved share of the plan, share expected
    by now, status 'bad' | 'ok' | None). The expected share is a dark tick; a 'bad' bar is
    red, 'ok' green, no judgement grey; bars are capped at 150 % (the label says the value)."""
    label_w, bar_w, bar_h = 330, 330, 22
    width, height = label_w + bar_w + 90, 26 + bar_h * len(items)
    cap = 1.5
    body = [f'<line x1="{label_w + bar_w / cap:.1f}" x2="{label_w + bar_w / cap:.1f}" y1="2" '
            f'y2="{height}" stroke="#aab7b8" stroke-dasharray="3,3"/>',
            f'<text x="{label_w + bar_w / cap:.1f}" y="12" text-anchor="middle" '
            'font-size="10" fill="#566573">100% kế hoạch</text>']
    colours = {"bad": "#b03a2e", "ok": "#1e8449", None: "#5d6d7e"}
    for i, (label, value, expected, status) in enumerate(items):
        y = 18 + i * bar_h
        body.append(_row_label(label_w - 8, y + 15, label, label_w - 12))
        if value is None:
            body.append(f'<text x="{label_w + 4}" y="{y + 15}" font-size="12">—</text>')
            continue
        w = bar_w * min(max(value, 0.0), cap) / cap
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" '
                    f'fill="{colours.get(status, colours[None])}"/>')
        end = label_w + w
        if expected is not None:
            lx = label_w + bar_w * min(expected, cap) / cap
            body.append(f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{y}" y2="{y + bar_h}" '
                        'stroke="#111" stroke-width="2"/>')
            end = max(end, lx)  # the value's label clear of the mark
        body.append(f'<text x="{end + 6:.1f}" y="{y + 15}" font-size="12">'
                    f"{escape(vi_format.percent(value))}</text>")
    return _svg(width, height, body, title)


MAX_NAMED_POINTS = 40  # more stations than this: names only as each point's title
# sequential classes of a choropleth, light to dark
MAP_CLASSES = ["#fef5e7", "#f8c471", "#eb984e", "#cb4335", "#78281f"]


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


def choropleth(shapes: list[tuple[str, str, dict]], values: dict[str, float | None],
               title: str, fmt=vi_format.number,
               points: list[tuple[float, float, str, str]] | None = None,
               outline: dict | None = None, width: int = 700) -> Markup:
    """A map: each shape (code, name, GeoJSON geometry in WGS84) filled by the class of its
    value (grey without one), an optional outline (the area of a sector view) and points
    (lon, lat, label, colour). Equirectangular, scaled by the cosine of the mid latitude —
    true enough at a province's size."""
    rings = [r for _, _, g in shapes for r in _rings(g)]
    rings += _rings(outline) if outline else []
    lons = [p[0] for r in rings for p in r] + [p[0] for p in points or []]
    lats = [p[1] for r in rings for p in r] + [p[1] for p in points or []]
    if not lons:
        return _svg(width, 40, ['<text x="10" y="24" font-size="13">Không có ranh giới để vẽ'
                                '</text>'], title)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    map_w = width - 180
    scale = map_w / max((max_lon - min_lon) * k, 1e-9)
    map_h = (max_lat - min_lat) * scale
    if map_h > 620:  # a tall province: fit the height instead
        scale *= 620 / map_h
        map_h = 620.0
    height = int(map_h) + 20

    def xy(lon: float, lat: float) -> str:
        return f"{10 + (lon - min_lon) * k * scale:.1f},{10 + (max_lat - lat) * scale:.1f}"

    def path(geometry: dict) -> str:
        return " ".join("M" + " L".join(xy(p[0], p[1]) for p in ring) + " Z"
                        for ring in _rings(geometry))

    known = [v for v in values.values() if v is not None]
    breaks = class_breaks(known)
    body = []
    for code, name, geometry in shapes:
        value = values.get(code)
        colour = (NO_DATA if value is None else
                  MAP_CLASSES[next((i for i, b in enumerate(breaks) if value <= b),
                                   len(breaks) - 1)])
        body.append(f'<path d="{path(geometry)}" fill="{colour}" stroke="#ffffff" '
                    f'stroke-width="0.6" data-code="{escape(code)}" data-value="'
                    f'{"" if value is None else value}"><title>{escape(name)}: '
                    f'{"không có số liệu" if value is None else escape(fmt(value))}'
                    "</title></path>")
    if outline:
        body.append(f'<path d="{path(outline)}" fill="none" stroke="#1f618d" stroke-width="2.5" '
                    'stroke-dasharray="6,3"/>')
    named = len(points or []) <= MAX_NAMED_POINTS  # a station's name beside it, when few
    for lon, lat, label, colour in points or []:
        x, y = xy(lon, lat).split(",")
        body.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}" stroke="#111" '
                    f'stroke-width="1"><title>{escape(label)}</title></circle>')
        if named:
            shown, _cut = fit(label.split(":")[0], 220, 10)
            right = float(x) + 9 + len(shown) * 10 * 0.58 <= 10 + map_w
            body.append(f'<text x="{float(x) + (9 if right else -9):.1f}" y="{float(y) + 4:.1f}" '
                        f'text-anchor="{"start" if right else "end"}" font-size="10" '
                        f'fill="#1d2733">{escape(shown)}</text>')
    lx = width - 160
    low = min(known, default=None)
    if not known:  # points only: no classes to explain
        breaks = []
    for i, upper in enumerate(breaks):
        y = 20 + 22 * i
        lower = low if i == 0 else breaks[i - 1]
        body.append(f'<rect x="{lx}" y="{y}" width="18" height="14" fill="{MAP_CLASSES[i]}" '
                    'stroke="#aab7b8"/>')
        body.append(f'<text x="{lx + 24}" y="{y + 12}" font-size="11">'
                    f"{escape(fmt(lower))} – {escape(fmt(upper))}</text>")
    if known:
        body.append(f'<rect x="{lx}" y="{20 + 22 * len(breaks)}" width="18" height="14" '
                    f'fill="{NO_DATA}" stroke="#aab7b8"/><text x="{lx + 24}" '
                    f'y="{32 + 22 * len(breaks)}" font-size="11">không có số liệu</text>')
    return _svg(width, max(height, 40 + 22 * (len(breaks) + 1)), body, title)


def bars(items: list[tuple[str, float, float | None]], title: str,
         value_label=vi_format.percent) -> Markup:
    """Horizontal bars (label, value 0…1, limit or None); a limit is a dark tick, a bar over
    its limit is red."""
    label_w, bar_w, bar_h = 330, 360, 22
    width, height = label_w + bar_w + 80, 10 + bar_h * len(items)
    top = max([v for _, v, _ in items] + [lim or 0 for _, _, lim in items] + [0.01])
    body = []
    for i, (label, value, limit) in enumerate(items):
        y = 5 + i * bar_h
        over = limit is not None and value > limit
        body.append(_row_label(label_w - 8, y + 15, label, label_w - 12))
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * value / top:.1f}" '
                    f'height="{bar_h - 6}" fill="{"#b03a2e" if over else "#5d6d7e"}"/>')
        end = label_w + bar_w * value / top
        if limit is not None:
            lx = label_w + bar_w * limit / top
            body.append(f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{y}" y2="{y + bar_h}" '
                        'stroke="#111" stroke-width="2"/>')
            end = max(end, lx)  # the value's label clear of the limit's mark
        body.append(f'<text x="{end + 6:.1f}" y="{y + 15}" '
                    f'font-size="12">{escape(value_label(value))}</text>')
    return _svg(width, height, body, title)
