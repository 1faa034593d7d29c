"""The pieces of the HTML reports: masking of sample values, Vietnamese percentages, charts
that escape what they draw."""

import re

import pytest

from ioc_pipelines.core.vi_format import percent
from ioc_pipelines.reports.charts import bars, heatmap, line_chart, share_colour
from ioc_pipelines.reports.quality import mask


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("citizen_id", "012190900001", "••••••••••01"),
    ("reporter_phone", "0912345678", "••••••••78"),
    ("head_name", "Lò Văn Sai", "L. V. S."),
    ("address", "Bản Nà Luông, xã Mường Tè", "B. N. L. x. M. T."),
    ("x", "103.4567891", "103.46"),
    ("lat", "abc", "•••"),
    ("commune_code", "03388", "03388"),
    ("indicator_code", "CT01", "CT01"),
    ("plan_name", None, "∅"),
    ("status", "đã xử lý", "đã xử lý"),
])
def test_mask(field, value, shown):
    assert mask(field, value) == shown


def test_percent_and_colours():
    assert percent(0.98567) == "98,6%"
    assert percent(1) == "100,0%"
    assert percent(None) == "—"
    assert share_colour(None) != share_colour(1.0) != share_colour(0.5)
    assert share_colour(0.995) == share_colour(1.0)


def test_charts_escape_labels_and_draw_every_value():
    hostile = '<script>alert("x")</script>'
    svg = str(heatmap([("A", hostile), ("B", "Sở B")], [("clean", "sạch"), ("live", "sống")],
                      {("A", "clean"): 0.5, ("B", "live"): 1.0}, "t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count("<rect") == 4 and 'data-share="0.5000"' in svg and 'data-share=""' in svg
    assert "50,0%" in svg and "100,0%" in svg
    chart = str(line_chart(["#1", "#2"], {"sạch": [0.9, 0.95], "đủ": [None, 1.0]}, "t"))
    assert chart.count("<circle") == 3 and chart.count("<polyline") == 1
    drawn = str(bars([("a", 0.3, 0.2), ("b", 0.1, 0.2)], "t"))
    assert drawn.count('fill="#b03a2e"') == 1  # only the bar over its limit is red


def test_count_axes_have_whole_ticks_and_long_labels_are_cut_with_their_full_name():
    ticks = [re.findall(r'text-anchor="end" font-size="11">([^<]+)<', str(line_chart(
        ["1", "2"], {"Thành lập mới": [top, 1]}, "t", y_min=None, y_max=None, counts=True)))
        for top in (3, 37, 1234)]
    assert ticks == [["0", "1", "2", "3", "4"], ["0", "10", "20", "30", "40"],
                     ["0", "500", "1.000", "1.500", "2.000"]]
    name = "Phản ánh, kiến nghị của người dân và doanh nghiệp trên địa bàn tỉnh"
    svg = str(heatmap([("feedback", name)], [("clean", "sạch")], {}, "t"))
    shown = re.search(r'text-anchor="end" font-size="12"><title>([^<]+)</title>([^<]+)</text>',
                      svg)
    assert shown.group(1) == name and shown.group(2).endswith("…")
    assert len(shown.group(2)) < len(name)


def test_one_vietnamese_formatter():
    from datetime import date, datetime

    from ioc_pipelines.core import vi_format

    assert vi_format.number(1234567.5, 1) == "1.234.567,5" and vi_format.number(None) == "—"
    assert vi_format.count(12345.0) == "12.345"  # a count never carries decimals
    assert vi_format.figure(2.50) == "2,5" and vi_format.figure(12) == "12"
    assert vi_format.percent(0.98567) == "98,6%" and vi_format.percent(1, 0) == "100%"
    assert vi_format.day(date(2026, 10, 5)) == "05/10/2026"
    assert vi_format.moment(datetime(2026, 10, 5, 7, 0)) == "07:00 05/10/2026"
    assert [vi_format.principle(k) for k in ("clean", "correct", "complete", "live")] == [
        "sạch", "đúng", "đủ", "sống"]


def test_value_labels_stay_clear_of_their_marks():
    from ioc_pipelines.reports.charts import progress_bars

    for svg in (str(bars([("a", 0.1, 0.5)], "t")),
                str(progress_bars([("a", 0.2, 0.9, "bad")], "t"))):
        mark = float(re.search(r'<line x1="([\d.]+)" x2="[\d.]+" y1="\d+" y2="\d+" '
                               r'stroke="#111"', svg).group(1))
        label = float(re.findall(r'<text x="([\d.]+)" y="\d+" font-size="12">[\d,]+%</text>',
                                 svg)[-1])
        assert label > mark  # the value is written after the target, never across it
