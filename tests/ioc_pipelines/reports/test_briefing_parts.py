"""The briefing engine's parts without a lake: periods, areas (the dbt spatial macros),
Vietnamese figures, the map, PDF dates, which sections a warning marks."""

from datetime import UTC, date, datetime

import pytest

from ioc_pipelines.core.publishing import Release
from ioc_pipelines.reports.areas import AreaError, in_area_sql, parse_area
from ioc_pipelines.reports.briefing import Section, num, pct, share, warned_by
from ioc_pipelines.reports.pdf import set_dates
from ioc_pipelines.reports.periods import PeriodError, parse_period, previous_period


@pytest.mark.parametrize(("code", "kind", "start", "end", "months", "name"), [
    ("2026-W47", "weekly", date(2026, 11, 16), date(2026, 11, 22), ["2026-11"],
     "Tuần 47/2026 (16/11 – 22/11/2026)"),
    ("2026-10", "monthly", date(2026, 10, 1), date(2026, 10, 31), ["2026-10"], "Tháng 10/2026"),
    ("2026-q3", "quarterly", date(2026, 7, 1), date(2026, 9, 30),
     ["2026-07", "2026-08", "2026-09"], "Quý III/2026"),
    ("2026-H1", "half-year", date(2026, 1, 1), date(2026, 6, 30),
     [f"2026-{m:02d}" for m in range(1, 7)], "6 tháng đầu năm 2026"),
    ("2025", "annual", date(2025, 1, 1), date(2025, 12, 31),
     [f"2025-{m:02d}" for m in range(1, 13)], "Năm 2025"),
    ("2026-02-20..2026-03-05", "ad-hoc", date(2026, 2, 20), date(2026, 3, 5),
     ["2026-02", "2026-03"], "Từ ngày 20/02/2026 đến ngày 05/03/2026"),
])
def test_periods_as_typed(code, kind, start, end, months, name):
    period = parse_period(code)
    assert (period.kind, period.start, period.end, period.months, period.name_vi) == (
        kind, start, end, months, name)


def test_same_period_last_year():
    assert parse_period("2026-Q3").last_year().months == ["2025-07", "2025-08", "2025-09"]
    assert parse_period("2026-W47").last_year().code == "2025-W47"
    assert parse_period("2024-02-29..2024-03-01").last_year().start == date(2023, 2, 28)
    assert parse_period("2026-10").last_year().code == "2025-10"


@pytest.mark.parametrize("bad", ["2026-13", "2025-W53", "2026-Q5", "2026-H3", "26-10", "",
                                 "2026-10'; DROP TABLE x; --", "2026-05-01..2026-04-01",
                                 "2020-01-01..2026-01-01"])
def test_bad_periods_are_refused_clearly(bad):
    with pytest.raises(PeriodError, match="period"):
        parse_period(bad)


@pytest.mark.parametrize(("kind", "day", "expected"), [
    ("weekly", date(2026, 11, 23), "2026-W47"),  # Monday: last week
    ("weekly", date(2026, 1, 5), "2026-W01"),  # 29/12/2025 – 04/01/2026
    ("monthly", date(2026, 11, 6), "2026-10"),
    ("monthly", date(2026, 1, 6), "2025-12"),
    ("quarterly", date(2026, 10, 6), "2026-Q3"),
    ("quarterly", date(2026, 1, 6), "2025-Q4"),
    ("half-year", date(2026, 7, 6), "2026-H1"),
    ("half-year", date(2026, 1, 6), "2025-H2"),
    ("annual", date(2026, 1, 6), "2025"),
])
def test_schedules_report_on_the_period_just_ended(kind, day, expected):
    assert previous_period(kind, day).code == expected


def test_areas_and_the_dbt_spatial_macros():
    commune = parse_area("commune:03388")
    assert commune.slug == "xa-03388"
    assert in_area_sql(commune, "geom", "b", communes=True) == "(commune_code = '03388')"
    points = in_area_sql(commune, "st_point(longitude, latitude)", "pub.dim_admin_units")
    assert "st_intersects(st_point(longitude, latitude)" in points
    assert "from pub.dim_admin_units as boundaries" in points  # ref() → the published table
    radius = parse_area("radius:103.458, 22.396, 5")
    sql = in_area_sql(radius, "geom", "b")
    assert "st_distance_sphere" in sql and "5.0 * 1000" in sql and "103.458" in sql
    polygon = parse_area("polygon:POLYGON((103 22, 104 22, 104 23, 103 22))")
    assert "st_intersects(geom, st_geomfromtext('POLYGON((103 22, 104 22, 104 23, 103 22))'))" \
        in in_area_sql(polygon, "geom", "b")


@pytest.mark.parametrize("bad", ["commune:03388' OR 1=1 --", "commune:3388", "radius:1,2",
                                 "radius:200,22,5", "radius:103,22,900",
                                 "polygon:POLYGON((1 2, 3 4)); DROP TABLE x",
                                 "polygon:POLYGON((1 2, 3 '4))", "circle:1,2,3", ""])
def test_bad_areas_are_refused(bad):
    with pytest.raises(AreaError):
        parse_area(bad)


def test_vietnamese_figures():
    from ioc_pipelines.reports.rendering import vn_period

    assert [vn_period(p) for p in ("2026-10", "2026-11-20", "2026-W47", None)] == [
        "10/2026", "20/11/2026", "tuần 47/2026", "—"]
    assert num(1234.5).text == "1.234,5"
    assert num(2441).text == "2.441"
    assert num(None).text == "—"
    assert num(4.0625, decimals=2).text == "4,06"
    assert pct(75.8).text == "75,8%"
    assert share(0.5).text == "50,0%"
    assert num(1234.5, "k").value == 1234.5 and num(1234.5, "k").key == "k"


def test_pdf_dates_are_set_to_the_release_time_keeping_offsets():
    pdf = (b"%PDF-1.4\n1 0 obj <</Creator (x) /CreationDate (D:20261122133042+00'00') "
           b"/ModDate (D:20261122133042+00'00')>> endobj\nxref 123\n")
    out = set_dates(pdf, datetime(2026, 10, 6, 7, 0, 5, tzinfo=UTC))
    assert len(out) == len(pdf)
    assert out.count(b"D:20261006070005+00'00'") == 2 and b"20261122" not in out


def test_a_warning_marks_the_sections_of_its_source_or_mart():
    release = Release(3, datetime(2026, 11, 1, tzinfo=UTC), None, {"checks": {"warnings": [
        "quality/delivery_completeness:complete_indicators",
        "quality/source_freshness:fresh_iot",
        "marts/budget_by_period:gx_budget_by_period"]}})
    indicators = Section("a", "", ["indicators_vs_plan"], ["indicators"])
    budget = Section("b", "", ["budget_by_period"], ["finance"])
    feedback = Section("c", "", ["feedback_handling"], ["feedback"])
    # said in words (this release predates the sentences: said from the key), never the key
    [said] = warned_by(release, indicators)
    assert said.startswith("Báo cáo chỉ tiêu kinh tế - xã hội: còn thiếu lần giao") and \
        "complete_indicators" not in said
    assert warned_by(release, budget) == [
        "Một kiểm tra chất lượng mức cảnh báo trên bảng budget_by_period không đạt; chi tiết "
        "trong báo cáo chất lượng dữ liệu."]
    assert warned_by(release, feedback) == []
    # a release made now keeps the sentence its checks' measurements gave
    release.info["checks"]["warnings_vi"] = {
        "quality/delivery_completeness:complete_indicators": "Sở Y tế (SYT) chưa nộp kỳ 09/2026."}
    assert warned_by(release, indicators) == ["Sở Y tế (SYT) chưa nộp kỳ 09/2026."]


def test_the_pdf_browser_is_a_setting_with_a_clear_error(tmp_path):
    from ioc_pipelines.reports.pdf import browser
    from ioc_pipelines.reports.rendering import ReportError
    from ioc_pipelines.settings import load_settings

    settings = load_settings({"IOC_HOME": str(tmp_path), "IOC_ENV_FILE": str(tmp_path / "x"),
                              "IOC_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert settings.chromium == str(tmp_path / "no-such-chromium")
    with pytest.raises(ReportError, match="IOC_CHROMIUM=.*is not a file"):
        browser(settings.chromium)
