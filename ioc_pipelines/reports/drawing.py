"""One drawing for every chart and map of the reports: a matplotlib figure written by its SVG
backend as inline SVG — no script, no web font, nothing fetched — reproducible byte for byte
for the same data (fixed hash salt, no date or creator metadata, element ids prefixed by a
digest of the drawing so that several charts share one page).

Sizes are pixels: the figure runs at 72 dpi, so a point of matplotlib is a pixel of the page
and a 12-point label is 12 px. Texts stay text (``svg.fonttype = none``), in DejaVu Sans —
the font matplotlib measures them with — so a label is cut to the room it really takes.

A drawn element can carry a tooltip (an SVG ``<title>``) and ``data-*`` attributes (the value
a test or a reader's script finds on it): :meth:`Drawing.tag` gives the artist an id that the
post-pass turns into them."""

from __future__ import annotations

import hashlib
import io
import threading
import xml.etree.ElementTree as ET

import matplotlib
from markupsafe import Markup
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

FONT = "DejaVu Sans"  # shipped with matplotlib: measured and drawn with the same glyphs
STYLE = {
    "svg.fonttype": "none",          # texts stay text: searchable, selectable, small
    "svg.hashsalt": "ioc-reports",   # clip-path ids from the content, not from a random salt
    "font.family": FONT,
    "font.size": 12,
    "text.parse_math": False,        # a "$" in a commune's or a provider's name is a "$"
    "axes.unicode_minus": True,
    "path.simplify": False,          # a commune's boundary as delivered, at any size
}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
# a door (the portal, Dagster's webserver) may render reports from several threads
_ONE_AT_A_TIME = threading.RLock()


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How many pixels ``text`` takes at ``size`` px in the charts' font."""
    props = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, props, ismath=False)
    return width


def fit(label: str, room: float, size: float, bold: bool = False) -> tuple[str, bool]:
    """``label`` cut to what ``room`` px hold at ``size`` px, ending in "…" when cut;
    (text, cut)."""
    if text_width(label, size, bold) <= room:
        return label, False
    low, high = 1, len(label)
    while low < high:  # the longest prefix that fits with its ellipsis
        mid = (low + high + 1) // 2
        if text_width(label[:mid].rstrip() + "…", size, bold) <= room:
            low = mid
        else:
            high = mid - 1
    return label[:low].rstrip() + "…", True


class Drawing:
    """A ``width`` × ``height`` px figure titled ``title``, used as ``with Drawing(…) as d:``
    (the charts' style holds inside); draw on :attr:`figure` (or :meth:`canvas`,
    :meth:`axes`), then return :meth:`svg`."""

    def __init__(self, width: float, height: float, title: str):
        self.width, self.height, self.title = width, height, title
        self._style = matplotlib.rc_context(STYLE)
        self._tags: dict[str, tuple[str | None, dict[str, str]]] = {}

    def __enter__(self) -> Drawing:
        _ONE_AT_A_TIME.acquire()  # matplotlib's style is the process's: one drawing at a time
        self._style.__enter__()
        self.figure = Figure(figsize=(self.width / 72, self.height / 72), dpi=72)
        FigureCanvasSVG(self.figure)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._style.__exit__(*exc)
        finally:
            _ONE_AT_A_TIME.release()

    def canvas(self):
        """Axes over the whole figure in pixels, y downwards (0 at the top), no frame."""
        ax = self.figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        ax.set_axis_off()
        return ax

    def axes(self, left: float, top: float, right: float, bottom: float):
        """Axes whose plotting area leaves ``left``, ``top``, ``right``, ``bottom`` px."""
        w, h = self.width, self.height
        return self.figure.add_axes((left / w, bottom / h, (w - left - right) / w,
                                     (h - top - bottom) / h))

    def tag(self, artist, tip: str | None = None, **data: object):
        """Give ``artist`` a tooltip and ``data-<name>`` attributes (None: empty); returns it."""
        gid = f"tag{len(self._tags)}"
        artist.set_gid(gid)
        self._tags[gid] = (tip, {f"data-{k.replace('_', '-')}": "" if v is None else str(v)
                                 for k, v in data.items()})
        return artist

    def svg(self) -> Markup:
        out = io.StringIO()
        self.figure.savefig(out, format="svg", metadata=NO_METADATA)
        # matplotlib's own output, every text escaped by its writer: not untrusted XML
        root = ET.fromstring(out.getvalue())  # noqa: S314
        for child in list(root):  # the page's CSS styles the charts, not a global "*" rule
            if child.tag == f"{{{SVG}}}metadata" or (
                    child.tag == f"{{{SVG}}}defs"
                    and all(c.tag == f"{{{SVG}}}style" for c in child)):
                root.remove(child)
        for element in root.iter():
            tagged = self._tags.get(element.get("id", ""))
            if tagged is None:
                continue
            tip, data = tagged
            del element.attrib["id"]
            for name, value in data.items():
                element.set(name, value)
            if tip:
                title = ET.Element(f"{{{SVG}}}title")
                title.text = tip
                element.insert(0, title)
        root.set("width", f"{self.width:g}")
        root.set("height", f"{self.height:g}")
        root.set("viewBox", f"0 0 {self.width:g} {self.height:g}")
        root.set("role", "img")
        root.set("aria-label", self.title)
        title = ET.Element(f"{{{SVG}}}title")
        title.text = self.title
        root.insert(0, title)
        _unique_ids(root)
        return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704 - escaped by ET


def _unique_ids(root: ET.Element) -> None:
    """Prefix every id (and every reference to one) with a digest of the drawing: two charts
    on one page never share a clip path's id, and the same drawing keeps the same bytes."""
    digest = hashlib.sha256(ET.tostring(root, encoding="unicode").encode()).hexdigest()
    prefix = f"c{digest[:10]}-"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "id":
                element.set(name, prefix + value)
            elif "url(#" in value:
                element.set(name, value.replace("url(#", "url(#" + prefix))
            elif name == f"{{{XLINK}}}href" and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
