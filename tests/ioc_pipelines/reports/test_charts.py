"""The charts and maps, drawn by matplotlib, read back as SVG (XML): every value drawn and
findable by its data attributes, hostile names inert, counts on whole ticks, long labels cut
with their full name as a title, value labels clear of their marks, texts inside the
drawing, legends in the colours drawn, and the same data giving the same bytes."""

import re
import xml.etree.ElementTree as ET

from ioc_pipelines.core import vi_format
from ioc_pipelines.reports.charts import bars, heatmap, line_chart, progress_bars
from ioc_pipelines.reports.drawing import text_width
from ioc_pipelines.reports.maps import choropleth, class_breaks

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> =cmd|"/c calc"!A1 $x$'
SQUARE = {"type": "Polygon", "coordinates": [[[103, 22], [103.1, 22], [103.1, 22.1],
                                              [103, 22.1], [103, 22]]]}
SHIFTED = {"type": "MultiPolygon", "coordinates": [[[[103.2, 22], [103.3, 22],
                                                     [103.3, 22.1], [103.2, 22]]]]}


def tree(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 - the project's own drawing


def tagged(root: ET.Element, **data: str) -> list[ET.Element]:
    """Elements carrying every ``data-<name>`` given (a value of None: any)."""
    return [e for e in root.iter() if all(
        f"data-{k}" in e.attrib and (v is None or e.get(f"data-{k}") == v)
        for k, v in data.items())]


def texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{NS}text")]


def fill(element: ET.Element) -> str:
    styled = next(e for e in element.iter() if "fill:" in (e.get("style") or ""))
    return re.search(r"fill: (#[0-9a-f]{6})", styled.get("style")).group(1)


def test_hostile_names_are_inert_text():
    for svg in (heatmap([("A", HOSTILE)], [("clean", "sạch")], {("A", "clean"): 0.5}, HOSTILE),
                line_chart(["1", "2"], {HOSTILE: [0.9, 1.0]}, HOSTILE),
                bars([(HOSTILE, 0.3, 0.2)], HOSTILE),
                choropleth([("00001", HOSTILE, SQUARE)], {"00001": 1.0}, HOSTILE,
                           points=[(103.05, 22.05, HOSTILE, "#b03a2e")])):
        assert "<script>" not in str(svg) and "&lt;script&gt;" in str(svg)
        root = tree(svg)  # well-formed XML: the name is text, not markup
        assert root.find(f"{NS}title").text == HOSTILE and root.get("aria-label") == HOSTILE
        assert not root.findall(f".//{NS}script") and not root.findall(f".//{NS}foreignObject")


def test_every_value_is_drawn_and_findable():
    root = tree(heatmap([("A", "Sở A"), ("B", "Sở B")], [("clean", "sạch"), ("live", "sống")],
                        {("A", "clean"): 0.5, ("B", "live"): 1.0}, "t"))
    cells = tagged(root, share=None)
    assert sorted(c.get("data-share") for c in cells) == ["", "", "0.5000", "1.0000"]
    assert {fill(c) for c in cells if c.get("data-share") == ""} == {"#d5d8dc"}
    assert "50,0%" in texts(root) and "100,0%" in texts(root)
    chart = tree(line_chart(["#1", "#2"], {"sạch": [0.9, 0.95], "đủ": [None, 1.0]}, "t"))
    assert len(tagged(chart, value=None)) == 3  # every point, with its value
    assert len(tagged(chart, series="sạch")) == 3 and len(tagged(chart, series="đủ")) == 1
    drawn = tree(bars([("a", 0.3, 0.2), ("b", 0.1, 0.2)], "t"))
    over = [fill(b) for b in tagged(drawn, role="bar", over="1")]
    assert over == ["#b03a2e"] and [fill(b) for b in tagged(drawn, over="0")] == ["#5d6d7e"]
    behind = tree(progress_bars([("A", 0.5, 0.8, "bad"), ("B", 0.9, 0.8, "ok"),
                                 ("C", None, None, None)], "t"))
    assert [(b.get("data-status"), fill(b)) for b in tagged(behind, role="bar")] == [
        ("bad", "#b03a2e"), ("ok", "#1e8449")]
    assert "50,0%" in texts(behind) and "—" in texts(behind)


def _tick_labels(root: ET.Element, axis: str) -> list[str]:
    return [t for g in root.iter(f"{NS}g") if re.search(rf"-{axis}tick_\d+$", g.get("id", ""))
            for t in texts(g)]


def test_count_axes_have_whole_round_ticks_that_cover_the_data():
    for top in (3, 37, 1234, 98765):
        labels = _tick_labels(tree(line_chart(["1", "2"], {"Thành lập mới": [top, 1]}, "t",
                                              y_min=None, y_max=None, counts=True)), "y")
        values = [int(t.replace(".", "")) for t in labels]  # "1.000": whole, grouped
        assert labels == [vi_format.count(v) for v in values], labels
        steps = {b - a for a, b in zip(values, values[1:], strict=False)}
        assert values[0] == 0 and values[-1] >= top and len(steps) == 1 and 3 <= len(values) <= 6
        step = steps.pop()
        assert step / 10 ** (len(str(step)) - 1) in (1, 2, 2.5, 5), labels


def test_long_labels_are_cut_to_their_room_with_the_full_name_as_title():
    name = "Phản ánh, kiến nghị của người dân và doanh nghiệp trên địa bàn tỉnh Lai Châu"
    for svg in (heatmap([("feedback", name)], [("clean", "sạch")], {}, "t"),
                bars([(name, 0.5, None)], "t"), progress_bars([(name, 0.5, 0.6, None)], "t")):
        [label] = tagged(tree(svg), label=name)
        assert label.find(f"{NS}title").text == name
        [shown] = texts(label)
        assert shown.endswith("…") and name.startswith(shown[:-1].rstrip())
        assert text_width(shown, 12) <= 330 - 12
    [short] = tagged(tree(bars([("Sở Y tế", 0.5, None)], "t")), label="Sở Y tế")
    assert texts(short) == ["Sở Y tế"] and short.find(f"{NS}title") is None


def _x(element: ET.Element) -> float:
    if element.find(f".//{NS}text") is not None:
        return float(element.find(f".//{NS}text").get("x"))
    return float(re.match(r"M ([\d.]+)", element.find(f".//{NS}path").get("d")).group(1))


def test_value_labels_stay_clear_of_their_marks():
    for svg in (bars([("a", 0.1, 0.5)], "t"), progress_bars([("a", 0.2, 0.9, "bad")], "t"),
                progress_bars([("a", 1.2, 0.9, "ok")], "t")):
        root = tree(svg)
        [mark], [value] = tagged(root, role="mark"), tagged(root, role="value")
        [bar] = tagged(root, role="bar")
        bar_end = max(float(v) for v in re.findall(r"L ([\d.]+)",
                                                   bar.find(f".//{NS}path").get("d")))
        assert _x(value) > max(_x(mark), bar_end)  # after the target and the bar, never across


def test_texts_stay_inside_the_drawing():
    names = [f"Trạm quan trắc số {i} bên sông Nậm Na" for i in range(3)]
    for svg in (line_chart([f"{m:02d}/2026" for m in range(1, 13)],
                           {"Thành lập mới trong tháng": list(range(12))}, "t", counts=True),
                choropleth([("00001", "Xã A", SQUARE), ("00002", "Xã B", SHIFTED)],
                           {"00001": 1.0, "00002": 2.0}, "t",
                           points=[(103.299, 22.05, names[0], "#b03a2e"),
                                   (103.001, 22.09, names[1], "#1e8449"),
                                   (103.15, 22.0, names[2], "#1f618d")])):
        root = tree(svg)
        width = float(root.get("width"))
        for text in root.iter(f"{NS}text"):
            x, size = float(text.get("x")), float(re.search(r"font-size: ([\d.]+)px",
                                                           text.get("style")).group(1))
            anchor = re.search(r"text-anchor: (\w+)", text.get("style")).group(1)
            w = text_width(text.text, size)
            left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            assert -0.5 <= left and left + w <= width + 0.5, (text.text, left, w, width)


def test_the_map_colours_communes_by_class_and_its_legend_matches():
    svg = choropleth([("00001", "Xã A", SQUARE), ("00002", "Xã B", SHIFTED),
                      ("00003", "Xã C", SQUARE)], {"00001": 5.0, "00002": 50.0}, "Tỷ lệ",
                     fmt=lambda v: vi_format.number(v, 1) + "%",
                     points=[(103.05, 22.05, "Trạm A: AQ-01", "#b03a2e")],
                     point_legend=[("#b03a2e", "có ngày vượt ngưỡng")])
    root = tree(svg)
    shapes = {e.get("data-code"): e for e in tagged(root, code=None)}
    assert {c: e.get("data-value") for c, e in shapes.items()} == {
        "00001": "5.0", "00002": "50.0", "00003": ""}
    assert fill(shapes["00003"]) == "#d5d8dc"  # no value: grey
    assert shapes["00001"].find(f"{NS}title").text == "Xã A: 5,0%"
    legend = next(g for g in root.iter(f"{NS}g") if g.get("id", "").endswith("legend_1"))
    shown = texts(legend)
    assert shown == ["5,0% – 5,0%", "5,0% – 50,0%", "không có số liệu", "có ngày vượt ngưỡng"]
    used = {fill(shapes[c]) for c in shapes} | {"#b03a2e"}
    legend_fills = set(re.findall(r"fill: (#[0-9a-f]{6})", ET.tostring(legend, "unicode")))
    assert used <= legend_fills  # every colour drawn is explained
    [station] = tagged(root, role="station")
    assert station.find(f"{NS}title").text == "Trạm A: AQ-01" and "Trạm A" in texts(root)
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]


def test_the_same_data_gives_the_same_bytes_and_charts_share_a_page():
    def draw():
        return [str(heatmap([("A", "Sở A")], [("clean", "sạch")], {("A", "clean"): 0.5}, "t")),
                str(line_chart(["1", "2"], {"s": [0.9, 1.0]}, "t")),
                str(choropleth([("00001", "Xã A", SQUARE)], {"00001": 1.0}, "t"))]

    first = draw()
    assert draw() == first
    ids = [re.findall(r' id="([^"]+)"', svg) for svg in first]
    every = [i for chart in ids for i in chart]
    assert len(every) == len(set(every))  # no id shared by two charts of one page
    for svg, own in zip(first, ids, strict=True):  # every reference points inside its chart
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= set(own)
    assert not any("<metadata" in svg or "Matplotlib v" in svg for svg in first)


def test_drawings_from_several_threads_equal_one_at_a_time():
    """A door renders reports from threads; matplotlib's style is the process's, so each
    drawing holds it alone and none comes out with another's (or the default) style."""
    from concurrent.futures import ThreadPoolExecutor

    def draw(n: int) -> str:
        return str(line_chart(["1", "2", "3"], {f"dãy {n % 2}": [n, n + 1, n + 2]}, "t",
                              counts=True))

    alone = [draw(n) for n in range(12)]
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(draw, range(12)))
    assert together == alone
    assert all("<text" in svg for svg in together)  # text stayed text (svg.fonttype none)
