"""The reports' charts, drawn with matplotlib (:mod:`ioc_pipelines.reports.drawing`): pass
shares as a heatmap, series over months, actual against plan, shares against a limit.
Numbers and shares are written by :mod:`ioc_pipelines.core.vi_format`; the maps are in
:mod:`ioc_pipelines.reports.maps`."""

from __future__ import annotations

import math

from markupsafe import Markup
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.drawing import Drawing, fit, text_width

# pass share → colour, worst first (the liaison team reads red as "look here")
SHARE_COLOURS = [(0.80, "#b03a2e"), (0.90, "#e67e22"), (0.95, "#f1c40f"), (0.99, "#58b368"),
                 (1.01, "#1e8449")]
NO_DATA = "#d5d8dc"
SERIES_COLOURS = ["#1f618d", "#b03a2e", "#1e8449", "#af601a", "#6c3483", "#117a65"]
INK, GRID, MARK = "#1d2733", "#e5e8e8", "#111111"


def share_colour(share: float | None) -> str:
    if share is None:
        return NO_DATA
    return next(colour for limit, colour in SHARE_COLOURS if share < limit)


def row_label(d: Drawing, ax, x: float, y: float, label: str, room: float, size: int = 12,
              gap: float = 0) -> None:
    """A row's label right-aligned ``gap`` px left of ``x`` (data coordinates): cut to
    ``room`` px, the full text as its title."""
    shown, cut = fit(label, room, size)
    text = ax.annotate(shown, (x, y), xytext=(-gap, 0), textcoords="offset points",
                       ha="right", va="center", fontsize=size, color=INK)
    d.tag(text, label if cut else None, label=label)


def heatmap(rows: list[tuple[str, str]], columns: list[tuple[str, str]],
            shares: dict[tuple[str, str], float | None], title: str) -> Markup:
    """Rows (key, label) × columns (key, label); each cell coloured by its pass share and
    labelled with it. A cell without data is grey."""
    label_w, cell_w, cell_h, head_h = 300, 96, 26, 30
    width, height = label_w + cell_w * len(columns), head_h + cell_h * len(rows) + 4
    with Drawing(width, height, title) as d:
        ax = d.canvas()
        for j, (_, label) in enumerate(columns):
            ax.text(label_w + j * cell_w + cell_w / 2, head_h / 2, fit(label, cell_w - 6, 13,
                    bold=True)[0], ha="center", va="center", fontsize=13, fontweight="bold",
                    color=INK)
        for i, (row_key, label) in enumerate(rows):
            y = head_h + i * cell_h
            row_label(d, ax, label_w - 8, y + cell_h / 2, label, label_w - 12)
            for j, (col_key, col_label) in enumerate(columns):
                share = shares.get((row_key, col_key))
                x = label_w + j * cell_w
                d.tag(ax.add_patch(Rectangle((x + 1, y + 1), cell_w - 2, cell_h - 2,
                                             facecolor=share_colour(share), edgecolor="none")),
                      f"{label} — {col_label}: {vi_format.percent(share)}",
                      share=None if share is None else f"{share:.4f}")
                ax.text(x + cell_w / 2, y + cell_h / 2, vi_format.percent(share), ha="center",
                        va="center", fontsize=12,
                        color="#ffffff" if share is not None and share < 0.90 else "#111111")
        return d.svg()


def line_chart(x_labels: list[str], series: dict[str, list[float | None]], title: str,
               y_min: float | None = 0.8, y_max: float | None = 1.0, fmt=None,
               counts: bool = False) -> Markup:
    """Each series over the x labels. By default a pass share from ``y_min`` to 100 %; with
    ``y_min=None`` the axis starts at the lowest value rounded down, with ``y_max=None`` it
    ends at a round number above the highest; ``fmt`` labels the axis (default percent);
    ``counts``: the axis from 0 in whole steps (a count is never 2,5), labelled as counts."""
    fmt = vi_format.count if counts else (fmt or (lambda v: vi_format.percent(v, 0)))
    values = [v for vs in series.values() for v in vs if v is not None]
    legend_w = math.ceil(max([text_width(name, 12) for name in series] + [60])) + 64
    with Drawing(560 + legend_w, 260, title) as d:
        ax = d.axes(70, 16, legend_w, 40)
        ax.set_facecolor("#fbfcfc")
        for side in ax.spines.values():
            side.set_color("#ccd1d1")
        n = len(x_labels)
        pad = 0.5 if n == 1 else 0.25  # the first and last points whole, inside the frame
        ax.set_xlim(-pad, max(n - 1, 0) + pad)
        step = max(1, -(-n // 12))
        shown = [i for i in range(n) if i % step == 0 or i == n - 1]
        ax.xaxis.set_major_locator(FixedLocator(shown))
        ax.xaxis.set_major_formatter(FuncFormatter(
            lambda v, _: x_labels[int(round(v))] if 0 <= round(v) < n else ""))
        if counts:  # whole round steps from 0 (1, 2, 5, 10, 25 … apart)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True,
                                                   steps=[1, 2, 2.5, 5, 10]))
            highest = max(values, default=1.0) or 1.0
            ax.set_ylim(0, ax.yaxis.get_major_locator().tick_values(0, highest * 1.05)[-1])
        elif y_max is None:
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
            top = ax.yaxis.get_major_locator().tick_values(0, max(values, default=1.0))[-1]
            ax.set_ylim(0.0 if y_min is None else y_min, top)
        else:
            low = min([y_min if y_min is not None else 0.0] + values)
            ax.set_ylim(max(0.0, int(low * 20) / 20), y_max)  # from 5 % steps
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
        ax.tick_params(labelsize=11, colors=INK, length=3)
        ax.grid(axis="y", color=GRID, linewidth=1)
        ax.set_axisbelow(True)
        handles = []
        for k, (name, vs) in enumerate(series.items()):
            colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
            points = [(i, v) for i, v in enumerate(vs) if v is not None]
            if len(points) > 1:
                d.tag(ax.plot([i for i, _ in points], [v for _, v in points], color=colour,
                              linewidth=2)[0], series=name)
            for i, v in points:
                d.tag(ax.plot([i], [v], "o", color=colour, markersize=7)[0],
                      f"{name} — {x_labels[i]}: {fmt(v)}", series=name, value=v)
            handles.append(Line2D([], [], color=colour, linewidth=2, marker="o",
                                  markersize=6, label=name))
        d.figure.legend(handles=handles, loc="upper left", frameon=False, fontsize=12,
                        bbox_to_anchor=((d.width - legend_w + 8) / d.width, 1 - 10 / d.height),
                        borderaxespad=0)
        return d.svg()


def _bar_rows(d: Drawing, labels: list[str], label_w: float, bar_w: float, bar_h: float,
              top_gap: float, right: float, x_max: float):
    """Axes for horizontal bars: one row per label (first at the top), x from 0 to
    ``x_max``, each label cut to the room left of the bars."""
    ax = d.axes(label_w, top_gap, right, 4)
    ax.set_xlim(0, x_max)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_axis_off()
    for i, label in enumerate(labels):
        row_label(d, ax, 0, i, label, label_w - 12, gap=8)
    return ax


def _value_after(d: Drawing, ax, end: float, row: int, text: str) -> None:
    """A bar's value written 6 px after ``end`` (the bar or its mark, whichever is further)."""
    d.tag(ax.annotate(text, (end, row), xytext=(6, 0), textcoords="offset points",
                      va="center", fontsize=12, color=INK), role="value")


def _mark(d: Drawing, ax, x: float, row: int, **data) -> None:
    d.tag(ax.plot([x, x], [row - 0.5, row + 0.5], color=MARK, linewidth=2,
                  solid_capstyle="butt")[0], role="mark", **data)


def progress_bars(items: list[tuple[str, float | None, float | None, str | None]],
                  title: str) -> Markup:
    """Actual against plan: one bar per item (label, achieved share of the plan, share expected
    by now, status 'bad' | 'ok' | None). The expected share is a dark mark; a 'bad' bar is
    red, 'ok' green, no judgement grey; bars are capped at 150 % (the label says the value)."""
    label_w, bar_w, bar_h, cap = 330, 330, 22, 1.5
    colours = {"bad": "#b03a2e", "ok": "#1e8449", None: "#5d6d7e"}
    with Drawing(label_w + bar_w + 90, 22 + bar_h * len(items), title) as d:
        ax = _bar_rows(d, [i[0] for i in items], label_w, bar_w, bar_h, 18, 90, cap)
        ax.axvline(1.0, color="#aab7b8", linestyle=(0, (3, 3)), linewidth=1)
        ax.text(1.0, 1.0, "100% kế hoạch", transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=10, color="#566573")
        for i, (_label, value, expected, status) in enumerate(items):
            if value is None:
                ax.text(0.02, i, "—", va="center", fontsize=12, color=INK)
                continue
            shown = min(max(value, 0.0), cap)
            d.tag(ax.barh(i, shown, height=(bar_h - 6) / bar_h,
                          color=colours.get(status, colours[None]))[0],
                  role="bar", value=value, status=status)
            end = shown
            if expected is not None:
                _mark(d, ax, min(expected, cap), i, expected=expected)
                end = max(end, min(expected, cap))  # the value's label clear of the mark
            _value_after(d, ax, end, i, vi_format.percent(value))
        return d.svg()


def bars(items: list[tuple[str, float, float | None]], title: str,
         value_label=vi_format.percent) -> Markup:
    """Horizontal bars (label, value 0…1, limit or None); a limit is a dark mark, a bar over
    its limit is red."""
    label_w, bar_w, bar_h = 330, 360, 22
    top = max([v for _, v, _ in items] + [lim or 0 for _, _, lim in items] + [0.01])
    with Drawing(label_w + bar_w + 80, 8 + bar_h * len(items), title) as d:
        ax = _bar_rows(d, [i[0] for i in items], label_w, bar_w, bar_h, 4, 80, top)
        for i, (_label, value, limit) in enumerate(items):
            over = limit is not None and value > limit
            d.tag(ax.barh(i, value, height=(bar_h - 6) / bar_h,
                          color="#b03a2e" if over else "#5d6d7e")[0],
                  role="bar", value=value, over="1" if over else "0")
            end = value
            if limit is not None:
                _mark(d, ax, limit, i, limit=limit)
                end = max(end, limit)  # the value's label clear of the limit's mark
            _value_after(d, ax, end, i, value_label(value))
        return d.svg()
