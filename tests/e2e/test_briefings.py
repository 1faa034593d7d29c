"""Briefing reports on one generated province (14 months, so every period has last year's
figures): every kind rendered from the published release, opened in headless Chromium,
printed to PDF and rasterised by poppler; the figures in the pages equal the marts'; the
same kind, period and release give the same bytes; the schedules' job ran in `ioc run`."""

from __future__ import annotations

import hashlib
import math
import re
import subprocess
from datetime import timedelta
from html import escape
from pathlib import Path

import pytest

from ioc_pipelines import clock
from ioc_pipelines.core.vi_format import number as vn_number
from ioc_pipelines.reports.periods import parse_period, previous_period
from ioc_pipelines.resources.extensions import ensure_extensions
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.settings import load_settings
from tests.browser import open_page, print_layout
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import INTERNAL

# the module's province (14 months of every source) is made within its first test's time:
# on a loaded 2-core machine that alone can pass the suite's 900 s (`ioc run` keeps its own
# 1,800 s limit, so a hang still fails)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

TODAY = clock.today()
MONTH = previous_period("monthly", TODAY)
QUARTER = parse_period(f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}")  # in progress
RADIUS = (103.47, 22.40, 15.0)  # around Lai Châu's provincial centre
POLYGON = "POLYGON((103.3 22.3, 103.6 22.3, 103.6 22.5, 103.3 22.5, 103.3 22.3))"
SECTOR_AREAS = {"health": f"polygon:{POLYGON}", "education": "commune:03388",
                "transport": f"radius:{RADIUS[0]},{RADIUS[1]},{RADIUS[2]}",
                "environment": f"radius:{RADIUS[0]},{RADIUS[1]},{RADIUS[2]}",
                "public_order": "commune:03408", "social_welfare": "commune:03439"}
# (name, kind, period, extra CLI args): every kind and every periodic kind
REPORTS = [
    ("weekly", "briefing", previous_period("weekly", TODAY).code, []),
    ("monthly", "briefing", MONTH.code, []),
    ("quarterly", "briefing", previous_period("quarterly", TODAY).code, []),
    ("half-year", "briefing", previous_period("half-year", TODAY).code, []),
    ("annual", "briefing", previous_period("annual", TODAY).code, []),
    ("ad-hoc", "briefing", f"{TODAY - timedelta(days=45)}..{TODAY - timedelta(days=1)}", []),
    ("operations", "operations", QUARTER.code, []),
    *[(f"sector-{s}", "sector", MONTH.code, ["--sector", s, "--area", a])
      for s, a in SECTOR_AREAS.items()],
]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    home = tmp_path_factory.mktemp("briefings") / "ioc"
    env = clean_env(home)
    run = run_ioc(env, "run", "--scale", "0.005", "--months", "14", "--approve-by", "test",
                  timeout=1800)
    return home, env, load_settings(env), run.stdout


@pytest.fixture(scope="module")
def rendered(province):
    """Every report of REPORTS, made with `ioc report` (HTML + PDF)."""
    home, env, _, _ = province
    out = {}
    for name, kind, period, extra in REPORTS:
        proc = run_ioc(env, "report", kind, "--period", period, *extra, timeout=600)
        html = Path(re.search(r"^release \d+: (.+\.html)$", proc.stdout, re.M).group(1))
        pdf = Path(re.search(r"^PDF: (.+\.pdf)$", proc.stdout, re.M).group(1))
        out[name] = (html, pdf)
    return out


def figures(html: str) -> dict[str, tuple[str, str]]:
    """data-key → (data-value, text shown) of every keyed figure in a page."""
    return {k: (v, re.sub(r"<[^>]+>", "", shown).replace("⚠", "").strip())
            for k, v, shown in re.findall(
                r'data-key="([^"]+)" data-value="([^"]*)">(.*?)</(?:td|b)>', html)}


MIN_COLUMN_PX = 48  # about five characters at the tables' print size


def grey_pages(pdf: Path, out: Path) -> list[tuple[int, int]]:
    """Rasterise every page (poppler pdftoppm, grey); (pixels, dark pixels) per page."""
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(out / "page")], check=True,
                   timeout=300)
    pages = []
    for page in sorted(out.glob("page-*.pgm")):
        data = page.read_bytes()
        magic, width, height, maxval, pixels = re.match(
            rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
        assert magic == b"P5" and int(maxval) == 255
        pixels = pixels[:int(width) * int(height)]
        pages.append((len(pixels), sum(1 for b in pixels if b < 200)))
    return pages


@pytest.mark.parametrize("name", [r[0] for r in REPORTS])
def test_every_kind_renders_in_chromium_and_prints(rendered, name, tmp_path):
    html, pdf = rendered[name]
    seen = open_page(html, tmp_path / f"{name}.png")
    assert not seen["console"] and not seen["page"] and not seen["requests"], seen
    assert (tmp_path / f"{name}.png").stat().st_size > 20_000
    assert seen["svg_count"] >= 2  # charts and a map
    text = seen["text"]
    assert "Mọi số liệu trong báo cáo lấy từ bản phát hành số" in text
    assert "Nguồn dữ liệu" in text and "Kỳ báo cáo" in text
    assert re.search(r"\d{2}/\d{2}/\d{4}", text)  # dd/mm/yyyy
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    rasters = grey_pages(pdf, tmp_path)
    assert len(rasters) == pages >= 2
    # every page has ink (a single line of text is ~60 dark pixels at 30 dpi), and the
    # document as a whole is not mostly empty pages
    for n, (_, dark) in enumerate(rasters, start=1):
        assert dark > 40, f"page {n} of {pdf.name} is blank"
    assert sum(dark for _, dark in rasters) > sum(p for p, _ in rasters) * 0.01
    # the fonts in the PDF are the ones installed at set-up, embedded (diacritics render)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "NotoSans" in fonts or "DejaVuSans" in fonts, fonts
    # print-ready: every page carries its number and the release in the running footer, and
    # has more on it than the footer (no blank trailing page)
    release = re.search(r'data-release="(\d+)"', html.read_text(encoding="utf-8")).group(1)
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                             text=True, check=True).stdout.split("\f")[:pages]
    for n, page_text in enumerate(printed, start=1):
        footer = f"Trang {n}/{pages} · bản phát hành số {release}"
        assert footer in page_text, (n, page_text[-300:])
        body = [line for line in page_text.splitlines() if line.strip()
                and footer not in line]
        assert len(body) >= 2, f"page {n} of {pdf.name} holds only its footer"
    # tables keep readable columns and chart texts stay inside their drawing, as printed
    layout = print_layout(html)
    narrow = [c for c in layout["columns"] if c["width"] < MIN_COLUMN_PX]
    assert not narrow, narrow
    assert not layout["clipped"], layout["clipped"]
    # a leader's document speaks words: no check key, no English principle name
    for said in (text, "\n".join(printed)):
        assert not INTERNAL.findall(said), INTERNAL.findall(said)


def _release(settings) -> int:
    from ioc_pipelines.core.publishing import current_release

    return current_release(settings).id


def test_socio_economic_figures_equal_the_marts(province, rendered):
    _, _, settings, _ = province
    html = rendered["monthly"][0].read_text(encoding="utf-8")
    shown = figures(html)
    period = MONTH
    with connect(settings, work=False, published=True, published_snapshot=_release(settings)) \
            as con:
        def q(sql, params=None):
            return con.execute(sql.replace("M.", f"{PUBLISHED}.main."), params or []).fetchall()

        month = shown["ind:month"][0]
        assert month <= period.end_month
        indicators = q("SELECT indicator_code, actual, is_not_met FROM M.indicators_vs_plan "
                       "WHERE period = ?", [month])
        assert len(indicators) >= 15
        for code, actual, not_met in indicators:
            assert float(shown[f"ind:{code}:actual"][0]) == pytest.approx(actual)
            assert shown[f"ind:{code}:not_met"][1] == (
                "Chưa đạt" if not_met else "Đạt" if not_met is False else "—")
        assert int(shown["ind:not_met"][0]) == sum(1 for r in indicators if r[2])
        # the chart names each indicator in full: cut only by the drawing, with an ellipsis
        # and the whole name as the label's title
        named = q("SELECT indicator_code || ' ' || indicator_name FROM M.indicators_vs_plan "
                  "WHERE period = ? AND plan_target IS NOT NULL", [month])
        drawn = dict(re.findall(r'<g data-label="([^"]+)">\s*(?:<title>[^<]*</title>)?\s*'
                                r"<text[^>]*>([^<]+)</text>", html))
        for (name,) in named:
            shown_name = drawn[escape(name, quote=True)]
            whole = escape(name, quote=False)
            assert shown_name == whole or (
                shown_name.endswith("…") and whole.startswith(shown_name[:-1].rstrip()))
        assert "Chưa đạt" in html and 'class="bad"' in html
        [(t01,)] = q("SELECT actual FROM M.budget_by_period WHERE period = "
                     "(SELECT max(period) FROM M.budget_by_period WHERE period <= ?) "
                     "AND item_code = 'T01'", [period.end_month])
        assert float(shown["budget:T01:actual"][0]) == pytest.approx(t01)
        [(founded, dissolved)] = q("SELECT sum(founded), sum(dissolved) FROM "
                                   "M.enterprises_by_month WHERE period = ?", [period.code])
        assert int(shown["ent:founded"][0]) == founded
        assert int(shown["ent:dissolved"][0]) == dissolved
        [(received, late)] = q("SELECT sum(received), sum(resolved_late) FROM "
                               "M.feedback_handling WHERE period = ?", [period.code])
        assert (int(shown["fb:received"][0]), int(shown["fb:late"][0])) == (received, late)
        [(population,)] = q("SELECT sum(population) FROM M.population_by_commune_sex_age")
        assert int(shown["pop:total"][0]) == population
        assert shown["pop:total"][1] == vn_number(population)  # 1.234 grouping
        [(households, poor)] = q("SELECT sum(households), sum(poor_households) FROM "
                                 "M.housing_poverty_by_commune")
        assert (int(shown["pov:households"][0]), int(shown["pov:poor"][0])) == (households, poor)
        [(days,)] = q("SELECT count(*) FROM M.pm25_exceedance_days WHERE day_local BETWEEN ? "
                      "AND ?", [period.start, period.end])
        assert int(shown["env:pm25_days"][0]) == days
        rates = dict(q("SELECT commune_code, poor_rate_pct FROM M.housing_poverty_by_commune"))
    # the map is the choropleth of those rates, one shape per commune of the province
    poverty = html.split('id="dan-so-ho-ngheo"', 1)[1].split("<section", 1)[0]
    shapes = dict(re.findall(r'<g data-code="(\d{5})" data-value="([^"]*)">', poverty))
    assert len(shapes) >= 38
    for code, rate in rates.items():  # a commune with no household delivered: no rate, grey
        assert (shapes[code] == "") if rate is None else float(shapes[code]) == pytest.approx(rate)
    # decimals shown with a comma
    assert re.search(r">\d{1,3}(\.\d{3})*,\d<", html)


def test_weekly_and_periods_read_their_own_window(province, rendered):
    _, _, settings, _ = province
    week = parse_period(REPORTS[0][2])
    shown = figures(rendered["weekly"][0].read_text(encoding="utf-8"))
    with connect(settings, work=False, published=True, published_snapshot=_release(settings)) \
            as con:
        [(days,)] = con.execute(
            f"SELECT count(*) FROM {PUBLISHED}.main.pm25_exceedance_days "
            "WHERE day_local BETWEEN ? AND ?", [week.start, week.end]).fetchall()
        [(received,)] = con.execute(
            f"SELECT coalesce(sum(received), 0) FROM {PUBLISHED}.main.feedback_handling "
            "WHERE list_contains(?, period)", [week.months]).fetchall()
    assert int(shown["env:pm25_days"][0]) == days
    assert int(shown["fb:received"][0]) == received
    half = figures(rendered["half-year"][0].read_text(encoding="utf-8"))
    h = parse_period(REPORTS[3][2])
    with connect(settings, work=False, published=True) as con:
        [(founded,)] = con.execute(
            f"SELECT coalesce(sum(founded), 0) FROM {PUBLISHED}.main.enterprises_by_month "
            "WHERE list_contains(?, period)", [h.months]).fetchall()
    assert int(half["ent:founded"][0]) == founded


def test_operations_report_counts_releases_and_deliveries(province, rendered):
    _, _, settings, _ = province
    from ioc_pipelines.core.publishing import list_releases

    html = rendered["operations"][0].read_text(encoding="utf-8")
    shown = figures(html)
    release = _release(settings)
    published = [r for r in list_releases(settings)
                 if r.id <= release and QUARTER.contains(r.published_at.date())]
    assert int(shown["ops:releases"][0]) == len(published) >= 1
    assert int(shown["ops:blocked"][0]) == 0
    with connect(settings) as con:
        [(due, on_time)] = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'on_time') "
            "FROM work.ops.delivery_completeness WHERE due_date BETWEEN ? AND ?",
            [QUARTER.start, QUARTER.end]).fetchall()
    assert (int(shown["ops:due"][0]), int(shown["ops:on_time"][0])) == (due, on_time)
    assert int(shown["ops:sources"][0]) == 11
    assert "Xu hướng chất lượng dữ liệu theo đơn vị" in html


def test_sector_views_select_their_area_with_the_spatial_macros(province, rendered):
    _, _, settings, _ = province
    with connect(settings, work=False, published=True) as con:
        ensure_extensions(con, ["spatial"])
        units = con.execute(f"SELECT commune_code, centroid_lon, centroid_lat FROM "
                            f"{PUBLISHED}.main.dim_admin_units").fetchall()
        in_polygon = {c for (c,) in con.execute(
            f"SELECT commune_code FROM {PUBLISHED}.main.dim_admin_units "
            f"WHERE ST_Intersects(geom, ST_GeomFromText('{POLYGON}'))").fetchall()}
        people = dict(con.execute(
            f"SELECT commune_code, sum(population) FROM "
            f"{PUBLISHED}.main.population_by_commune_sex_age GROUP BY ALL").fetchall())

    def km(lon, lat):  # great circle from the radius' centre
        p1, p2 = math.radians(RADIUS[1]), math.radians(lat)
        a = (math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2)
             * math.sin(math.radians(lon - RADIUS[0]) / 2) ** 2)
        return 2 * 6_371.0 * math.asin(math.sqrt(a))

    def communes(name):
        html = rendered[name][0].read_text(encoding="utf-8")
        return {k.split(":")[1] for k in figures(html) if re.match(r"area:\d{5}:", k)}, html

    polygon, _ = communes("sector-health")
    assert polygon == in_polygon and len(polygon) >= 2
    radius, html = communes("sector-environment")
    sure_in = {c for c, lon, lat in units if km(lon, lat) < RADIUS[2] * 0.98}
    sure_out = {c for c, lon, lat in units if km(lon, lat) > RADIUS[2] * 1.02}
    assert sure_in <= radius and not (radius & sure_out) and sure_in
    one, html = communes("sector-education")
    assert one == {"03388"}
    shown = figures(html)
    assert int(shown["area:population"][0]) == people["03388"]
    assert "Giáo dục" in html and "Dự báo tuyển sinh đầu cấp" in html


def test_same_kind_period_and_release_give_the_same_bytes(province, rendered):
    home, env, settings, _ = province
    release = _release(settings)
    first_html, first_pdf = rendered["monthly"]
    before = (hashlib.sha256(first_html.read_bytes()).hexdigest(),
              hashlib.sha256(first_pdf.read_bytes()).hexdigest())
    for _ in range(2):
        run_ioc(env, "report", "briefing", "--period", MONTH.code, "--release", str(release))
        again = (hashlib.sha256(first_html.read_bytes()).hexdigest(),
                 hashlib.sha256(first_pdf.read_bytes()).hexdigest())
        assert again == before
    # the PDF's dates are the release's publish time, not the moment of printing
    info = subprocess.run(["pdfinfo", "-isodates", str(first_pdf)], capture_output=True,
                          text=True, check=True).stdout
    from ioc_pipelines.core.publishing import get_release

    published = get_release(settings, release).published_at
    assert published.astimezone().strftime("%Y-%m-%dT%H:%M") in info or \
        published.strftime("%Y-%m-%dT") in info
    # the stored copy on the object store is the same file
    listing = run_ioc(env, "reports", "--json").stdout
    key = f"reports/briefing/{MONTH.code}/release-{release}/bao-cao-kinh-te-xa-hoi.pdf"
    assert key in listing


def test_ioc_run_made_last_months_briefing_through_dagster(province):
    home, _, settings, stdout = province
    import dagster as dg

    assert f"Briefing {MONTH.name_vi}" in stdout
    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["reports", "briefing"]))
        assert event is not None
        metadata = event.asset_materialization.metadata
        assert metadata["period"].value == MONTH.code
        assert metadata["release_id"].value == _release(settings)
        runs = instance.get_runs(filters=dg.RunsFilter(job_name="briefing_report_job"))
        assert runs and runs[0].status == dg.DagsterRunStatus.SUCCESS


def test_the_release_alerted_the_leadership_of_its_indicators_not_met(province):
    """The publication raised one indicator_not_met alert naming exactly the indicators the
    release judges chưa đạt in its newest period."""
    from ioc_pipelines.core import alerts

    _, _, settings, _ = province
    with connect(settings, work=False, published=True, published_snapshot=_release(settings)) \
            as con:
        rows = con.execute(
            f"SELECT indicator_code, period FROM {PUBLISHED}.main.indicators_vs_plan WHERE "
            f"is_not_met AND period = (SELECT max(period) FROM "
            f"{PUBLISHED}.main.indicators_vs_plan) ORDER BY 1").fetchall()
    assert rows, "the demo province has indicators chưa đạt"
    [alert] = [a for a in alerts.recent(settings) if a["rule"] == "indicator_not_met"]
    assert alert["key"].startswith(f"indicator_not_met|{rows[0][1]}|")
    assert f"{len(rows)} chỉ tiêu chưa đạt kỳ {rows[0][1]}" in alert["subject"]
    assert sorted(re.findall(r"\(([A-Z]{2}-\d{2}-\d{2})\)", alert["body"])) == [
        code for code, _ in rows]
    assert alert["severity"] == "warning" and alert["link"].endswith("/releases")


def test_inputs_are_checked_before_anything_is_rendered(province):
    """An area with no commune of the province, a period that had not begun when the release
    was published or that ends before its first data, an unknown sector or provider: one line naming the problem, exit ≠ 0, and
    no document written anywhere."""
    _, env, settings, _ = province

    def files() -> list[Path]:
        return sorted(p for p in settings.reports_dir.rglob("*") if p.is_file())

    before = files()
    refused = [
        (["report", "sector", "--sector", "health", "--area", "commune:99999"],
         "holds no commune of the province"),
        (["report", "sector", "--sector", "health", "--area", "radius:10,10,5"],
         "holds no commune of the province"),
        (["report", "briefing", "--period", f"{TODAY.year + 1}-01"], "had not begun when release"),
        (["report", "operations", "--period", f"{TODAY.year + 1}"], "had not begun when release"),
        (["report", "briefing", "--period", f"{TODAY.year - 3}"], "ends before the first data"),
        (["report", "sector", "--sector", "astrology", "--area", "commune:03388"],
         "unknown sector"),
        (["rejection-report", "--provider", "CA_TINHH"], "did you mean CA_TINH"),
    ]
    for args, said in refused:
        proc = run_ioc(env, *args, check=False)
        assert proc.returncode != 0, (args, proc.stdout)
        errors = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and said in errors[0], (args, proc.stderr)
        assert "Traceback" not in proc.stdout + proc.stderr
    assert files() == before
