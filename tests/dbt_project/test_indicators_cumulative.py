"""A month's figure is never compared with a year-to-date target: a department report without
a Lũy kế column is judged on the sum of the year's months when all of them came, and is
left unjudged, with the reason, when one is missing — delivered through the real ingest and
raw load, built by dbt on a real work lake."""

from __future__ import annotations

from datetime import date

import pytest

from ioc_pipelines.resources.lakes import connect
from tests.dbt_project.lake import build, deliver, home_settings, load

HEADER = "Mã chỉ tiêu;Chỉ tiêu;Đơn vị tính;Kỳ báo cáo;Kế hoạch năm;Thực hiện;Lũy kế\n"
# (file, delivery date, rows: code, name, period, plan, actual, cumulative)
REPORTS = [
    ("STC__bao_cao_2026-01.csv", date(2026, 2, 3), [
        ("KT-06-01", "Tổng thu ngân sách nhà nước trên địa bàn", "2026-01", 1200, 100, None)]),
    ("STC__bao_cao_2026-02.csv", date(2026, 3, 3), [
        ("KT-06-01", "Tổng thu ngân sách nhà nước trên địa bàn", "2026-02", 1200, 120, None),
        ("KT-06-02", "Thu nội địa", "2026-02", 1000, 100, None)]),
    ("STC__bao_cao_2026-03.csv", date(2026, 4, 3), [
        ("KT-06-01", "Tổng thu ngân sách nhà nước trên địa bàn", "2026-03", 1200, 110, None),
        ("KT-06-02", "Thu nội địa", "2026-03", 1000, 100, None),
        ("KT-04-01", "Vốn đầu tư công đã giải ngân", "2026-03", 1200, 50, 400)]),
]


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    home = tmp_path_factory.mktemp("cumulative")
    settings = home_settings(home)
    for name, day, rows in REPORTS:
        path = home / name
        path.write_text(HEADER + "".join(
            f"{code};{label};tỷ đồng;{period};{plan};{actual};{'' if cum is None else cum}\n"
            for code, label, period, plan, actual, cum in rows), encoding="utf-8")
        deliver(settings, "indicators", path, day)
    load(settings, "indicators")
    assert build(settings, "+indicators_vs_plan") == 0
    with connect(settings) as con:
        cursor = con.execute("SELECT indicator_code, period, actual, cumulative, "
                             "cumulative_basis, is_not_met, not_judged_reason "
                             "FROM work.marts.indicators_vs_plan")
        names = [d[0] for d in cursor.description]
        return {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}


def test_the_cumulative_is_the_sum_of_every_month_delivered(judged):
    march = judged[("KT-06-01", "2026-03")]
    assert march["cumulative"] == pytest.approx(330)
    assert march["cumulative_basis"] == "sum of the periods delivered"
    assert march["is_not_met"] is False  # 330 against 300 due by March: on track
    february = judged[("KT-06-01", "2026-02")]
    assert february["cumulative"] == pytest.approx(220) and february["is_not_met"] is False


def test_a_missing_month_leaves_the_status_unknown_with_the_reason(judged):
    march = judged[("KT-06-02", "2026-03")]  # January never came
    assert march["cumulative"] is None and march["is_not_met"] is None
    assert "không có lũy kế" in march["not_judged_reason"]


def test_a_delivered_cumulative_is_used_as_delivered(judged):
    row = judged[("KT-04-01", "2026-03")]
    assert (row["cumulative"], row["cumulative_basis"]) == (400, "delivered")
    assert row["is_not_met"] is False and row["not_judged_reason"] is None
