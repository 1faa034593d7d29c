"""The pieces of the HTML reports: masking of sample values, Vietnamese percentages and
dates, share colours (the charts: test_charts)."""


import pytest

from ioc_pipelines.core.vi_format import percent
from ioc_pipelines.reports.charts import share_colour
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
