"""Charts for the HTML reports as inline SVG, drawn here: no script, no web font, nothing
fetched — the page renders the same offline, in a browser and in a PDF, byte for byte."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

# pass share → colour, worst first (the liaison team reads red as "look here")
SHARE_COLOURS = [(0.80, "#b03a2e"), (0.90, "#e67e22"), (0.95, "#f1c40f"), (0.99, "#58b368"),
                 (1.01, "#1e8449")]
NO_DATA = "#d5d8dc"
SERIES_COLOURS = ["#1f618d", "#b03a2e", "#1e8449", "#af601a", "#6c3483", "#117a65"]


def share_colour(share: float | None) -> str:
    if share is None:
        return NO_DATA
    return next(colour for limit, colour in SHARE_COLOURS if share < limit)


def percent(share: float | None, decimals: int = 1) -> str:
    """0.9856 -> '98,6%' (Vietnamese decimal comma); None -> '—'."""
    if share is None:
        return "—"
    return f"{share * 100:.{decimals}f}".replace(".", ",") + "%"


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(  # noqa: S704 - every label and text in body is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


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
        body.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" '
                    f'font-size="12">{escape(label)}</text>')
        for j, (col_key, _) in enumerate(columns):
            share = shares.get((row_key, col_key))
            x = label_w + j * cell_w
            text_colour = "#fff" if share is not None and share < 0.90 else "#111"
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}"'
                        f' fill="{share_colour(share)}" data-share="{"" if share is None else f"{share:.4f}"}">'
                        f"<title>{escape(label)}: {percent(share)}</title></rect>")
            body.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + 17}" text-anchor="middle" '
                        f'font-size="12" fill="{text_colour}">{percent(share)}</text>')
    return _svg(width, height, body, title)


def line_chart(x_labels: list[str], series: dict[str, list[float | None]], title: str,
               y_min: float = 0.8) -> Markup:
    """Pass share (y, from ``y_min`` to 100 %) of each series over the x labels (releases)."""
    left, right, top, bottom, width, height = 60, 160, 16, 40, 720, 260
    plot_w, plot_h = width - left - right, height - top - bottom
    low = min([y_min] + [v for values in series.values() for v in values if v is not None])
    low = max(0.0, (int(low * 20) / 20))  # round down to 5 %

    def px(i: int) -> float:
        return left + (plot_w * i / max(1, len(x_labels) - 1) if len(x_labels) > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (1 - low or 1))

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fbfcfc" '
            'stroke="#ccd1d1"/>']
    for k in range(5):
        v = low + (1 - low) * k / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
                    'stroke="#e5e8e8"/>')
        body.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end" '
                    f'font-size="11">{percent(v, 0)}</text>')
    for i, label in enumerate(x_labels):
        body.append(f'<text x="{px(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                    f'font-size="11">{escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        points = [(px(i), py(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                        + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for (x, y), v in zip(points, [v for v in values if v is not None], strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                        f"<title>{escape(name)}: {percent(v)}</title></circle>")
        ly = top + 14 + 18 * n
        body.append(f'<rect x="{width - right + 14}" y="{ly - 9}" width="12" height="12" '
                    f'fill="{colour}"/><text x="{width - right + 32}" y="{ly + 1}" '
                    f'font-size="12">{escape(name)}</text>')
    return _svg(width, height, body, title)


def bars(items: list[tuple[str, float, float | None]], title: str,
         value_label=percent) -> Markup:
    """Horizontal bars (label, value 0…1, limit or None); a limit is a dark tick, a bar over
    its limit is red."""
    label_w, bar_w, bar_h = 330, 360, 22
    width, height = label_w + bar_w + 80, 10 + bar_h * len(items)
    top = max([v for _, v, _ in items] + [lim or 0 for _, _, lim in items] + [0.01])
    body = []
    for i, (label, value, limit) in enumerate(items):
        y = 5 + i * bar_h
        over = limit is not None and value > limit
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" '
                    f'font-size="12">{escape(label)}</text>')
        body.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * value / top:.1f}" '
                    f'height="{bar_h - 6}" fill="{"#b03a2e" if over else "#5d6d7e"}"/>')
        if limit is not None:
            lx = label_w + bar_w * limit / top
            body.append(f'<line x1="{lx:.1f}" x2="{lx:.1f}" y1="{y}" y2="{y + bar_h}" '
                        'stroke="#111" stroke-width="2"/>')
        body.append(f'<text x="{label_w + bar_w * value / top + 6:.1f}" y="{y + 15}" '
                    f'font-size="12">{escape(value_label(value))}</text>')
    return _svg(width, height, body, title)
