"""The curated layers measured against the generator's ground truth, on one real run of the
whole stack (`ioc run`: generator, landing, raw, dbt build, checks, publish):

- for every defect type, recall (injected defects caught) and precision (flagged records
  really defective) ≥ 0.99;
- the marts' totals reconcile exactly with what was delivered minus what was taken out;
- nothing published carries a citizen ID, a full name from the registry, or a house's exact
  coordinate."""

import json
import re
import unicodedata

import pytest

from ioc_pipelines.core.publishing import current_release, published_marts
from ioc_pipelines.demo.registry_files import CSV_HEADERS
from ioc_pipelines.resources.extensions import ensure_extensions
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.settings import load_settings
from quality_checks.truth import EXPECTED_REASON, score, table
from tests.browser import page_width
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import INTERNAL, findings_and_gaps

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One Lai Châu province (scale 0.005, two months) through every layer and published."""
    home = tmp_path_factory.mktemp("truth") / "ioc"
    env = clean_env(home)
    run_ioc(env, "run", "--scale", "0.005", "--months", "2", "--approve-by", "test",
            timeout=1500)
    settings = load_settings(env)
    manifest = json.loads((home / "demo" / "truth" / "manifest.json").read_text())
    rows, gaps = findings_and_gaps(settings)
    return settings, manifest, rows, gaps


def test_every_defect_type_is_caught_precisely(built, capsys):
    _, manifest, rows, gaps = built
    scores = score(manifest, [row[:4] for row in rows], gaps)
    with capsys.disabled():
        print("\n" + table(scores))
    measured = {(s.table, s.defect) for s in scores}
    injected = {(d["table"], d["defect"]) for d in manifest["defects"]}
    assert injected <= measured and injected <= set(EXPECTED_REASON)
    weak = [s for s in scores if s.recall < 0.99 or s.precision < 0.99]
    assert not weak, "\n" + table(weak)


def test_marts_reconcile_with_the_truth(built):
    """Records delivered (per the manifest) minus the records the rules took out
    (quarantined; for IoT, flagged other than GAP); records with only a warning, such as a
    converted pre-2025 commune code, stay in."""
    settings, manifest, rows, _ = built

    def kept(raw_table):
        delivered = sum(d["rows"].get(raw_table, 0) for d in manifest["deliveries"])
        taken_out = {(f, n) for t, f, n, reasons, quarantined in rows
                     if t == raw_table and (quarantined or (
                         t == "iot__readings" and set(reasons) - {"GAP"}))}
        return delivered - len(taken_out)

    with connect(settings) as con:
        got = con.execute(
            "SELECT (SELECT sum(households) FROM work.marts.housing_poverty_by_commune), "
            "(SELECT sum(houses) FROM work.marts.housing_poverty_by_commune), "
            "(SELECT sum(permits) FROM work.marts.permits_by_commune_month), "
            "(SELECT sum(readings) FROM work.marts.iot_hourly)").fetchone()
    assert got == (kept("households__households"), kept("housing__houses"),
                   kept("land_permits__permits"), kept("iot__readings"))
    # converted records are in: at least one pre-2025 code was delivered and kept
    assert any("COMMUNE_CONVERTED" in reasons and not quarantined
               for _, _, _, reasons, quarantined in rows)


def test_records_named_by_a_variant_commune_name_are_placed(built):
    """Feedback cases that carry only a commune name (X./P., old tone placement, lower case,
    doubled spaces, ’) land in the commune the generator meant."""
    settings, manifest, _, _ = built
    expected = {(p["file"], p["record_number"]): p["commune_code"]
                for p in manifest["placed_by_name"]}
    assert len(expected) >= 3
    with connect(settings) as con:
        got = dict(((f, n), code) for f, n, code in con.execute(
            "SELECT file_name, record_number, commune_code "
            "FROM work.validated.int_feedback_cases_rule_checked").fetchall())
    assert {key: got.get(key) for key in expected} == expected


def test_completeness_and_freshness_match_the_truth(built):
    """đủ: the missing and late deliveries the contracts' checks find are exactly the ones the
    generator left out or delivered after the deadline (department reports, IoT days); sống:
    the demo's IoT feed, delivered as daily files of yesterday's readings, is fresh against
    the files' SLA — not held to the 30 minutes of a live path it does not have."""
    settings, manifest, _, _ = built
    measured = ("indicators", "iot")
    truth_missing = {(m["source"], m["provider"], m["period"])
                     for m in manifest["missing_deliveries"] if m["source"] in measured}
    truth_late = {(d["source"], d["provider"], d["period"]) for d in manifest["deliveries"]
                  if d["source"] in measured and d["status"] == "late"}
    assert any(s == "indicators" for s, _, _ in truth_missing)
    with connect(settings) as con:
        rows = con.execute("SELECT source, provider, period, status "
                           "FROM work.ops.delivery_completeness").fetchall()
        fresh = {r[0]: r[1:] for r in con.execute(
            "SELECT source, is_stale, load_path, sla_hours FROM work.ops.source_freshness")
            .fetchall()}
    assert {(s, p, d) for s, p, d, status in rows if status == "missing"} == truth_missing
    assert {(s, p, d) for s, p, d, status in rows if status == "late"} == truth_late
    assert fresh["iot"] == (False, "files", 30) and fresh["population"][0] is False
    # published with the warnings, recorded in the release's commit metadata
    checks = current_release(settings).info["checks"]
    assert checks["evaluated"] > 100 and checks["passed"] < checks["evaluated"]
    assert not any("fresh_" in w for w in checks["warnings"]), checks["warnings"]
    assert "quality/delivery_completeness:complete_indicators" in checks["warnings"]


def test_scorecard_counts_what_was_delivered_and_checked(built):
    """The scorecard's record cells add up to the records delivered (truth), its failures per
    principle to the records that got a rule code of that principle, and its missing
    deliveries to the truth's; the published copy carries the previous-release columns."""
    settings, manifest, rows, _ = built
    checked_tables = {"population__citizens", "households__households", "households__members",
                      "housing__houses", "land_permits__permits", "indicators__reports",
                      "finance__budget", "finance__projects", "enterprises__events",
                      "feedback__cases", "iot__readings", "map__pois", "map__lines",
                      "planning__plans"}
    delivered: dict[str, int] = {}
    for d in manifest["deliveries"]:
        for raw_table, count in d["rows"].items():
            if raw_table in checked_tables:
                source = raw_table.split("__")[0]
                delivered[source] = delivered.get(source, 0) + count
    with connect(settings) as con:
        scored = dict(con.execute(
            "SELECT source, sum(checked) FROM work.marts.quality_scorecard "
            "WHERE measure = 'records' AND principle = 'correct' GROUP BY source").fetchall())
        failed_correct = con.execute(
            "SELECT sum(checked - passed) FROM work.marts.quality_scorecard "
            "WHERE measure = 'records' AND principle = 'correct'").fetchone()[0]
        correct_codes = {r for (r,) in con.execute(
            "SELECT rule_id FROM work.reference.quality_rules WHERE principle = 'correct'"
        ).fetchall()}
        missing = con.execute(
            "SELECT sum(checked - passed) FROM work.marts.quality_scorecard "
            "WHERE measure = 'deliveries' AND principle = 'complete'").fetchone()[0]
    scored_sources = set(scored)
    assert scored_sources >= {"population", "households", "housing", "iot", "indicators"}
    for source in scored_sources:
        assert scored[source] == delivered[source], source
    assert failed_correct == sum(1 for *_, reasons, _ in rows if set(reasons) & correct_codes)
    assert missing == len([m for m in manifest["missing_deliveries"]
                           if m["source"] in ("indicators", "iot")])
    with connect(settings, work=False, published=True) as con:
        columns = {c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = ? "
            "AND table_name = 'quality_scorecard'", [PUBLISHED]).fetchall()}
    assert {"pass_share", "previous_pass_share", "change_since_previous"} <= columns


def test_rejection_reports_list_each_rejected_record_with_reasons(built):
    """Per provider and delivery, the Excel workbook (made by the run) lists exactly the
    delivery's rejected records, each with its codes, Vietnamese reason and fix; the CSV has
    the same records."""
    from openpyxl import load_workbook

    settings, manifest, rows, _ = built
    rejected: dict[str, set[int]] = {}
    for _, file, number, _, quarantined in rows:
        if quarantined:
            rejected.setdefault(file, set()).add(number)
    registry = [d for d in manifest["deliveries"] if d["source"] == "population"]
    assert registry
    with connect(settings) as con:
        delivery_of = dict(con.execute(
            "SELECT file_name, delivery_id FROM work.ops.deliveries").fetchall())
    for delivery in registry:
        folder = settings.reports_dir / "rejections" / delivery["provider"]
        book = load_workbook(folder / f"{delivery_of[delivery['file']]}.xlsx", read_only=True)
        table = list(book.active.iter_rows(values_only=True))
        top = next(i for i, row in enumerate(table) if row[0] == "Bản ghi số")
        header, records = table[top], [r for r in table[top + 1:] if any(r)]
        assert header[:3] == ("Bản ghi số", "Lỗi", "Cách khắc phục") and header[-1] == "Mã lỗi"
        # the registry's own column names, only those it sent (no pipeline column)
        sent = (CSV_HEADERS if delivery["file"].endswith(".csv") else
                ["so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "dan_toc", "ton_giao",
                 "ma_xa", "dia_chi", "ma_ho", "tinh_trang_cu_tru", "ngay_thay_doi"])
        assert [h for h in sent if h in header] == list(header[3:-1]), header
        assert {r[0] for r in records} == rejected[delivery["file"]]
        assert all(r[1] and r[2] and r[-1] for r in records)  # reason, fix, codes
        # the injected defects of this file are among them, with their reason code
        injected = {d["record_number"] for d in manifest["defects"]
                    if d["file"] == delivery["file"]}
        assert injected <= {r[0] for r in records}
        text = (folder / f"{delivery_of[delivery['file']]}.csv").read_text(encoding="utf-8-sig")
        assert len(text.strip().splitlines()) == len(records) + 1
    # the web page of the widest of them fits a 1,280 px screen
    assert page_width(folder / f"{delivery_of[registry[0]['file']]}.html") <= 1280


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def test_published_marts_hold_no_direct_identifiers(built):
    settings, _, _, _ = built
    with connect(settings) as con:
        ensure_extensions(con, ["spatial"])
        names = {_fold(n) for (n,) in con.execute(
            "SELECT DISTINCT full_name FROM work.raw.population__citizens "
            "WHERE full_name IS NOT NULL").fetchall()}
        houses = {(round(x, 6), round(y, 6)) for x, y in con.execute(
            "SELECT st_x(geom), st_y(geom) FROM work.staging.stg_housing__houses "
            "WHERE geom IS NOT NULL").fetchall()}
    assert len(names) > 100 and len(houses) > 100
    id_pattern = re.compile(r"(?<!\d)\d{12}(?!\d)")

    with connect(settings, work=False, published=True) as con:
        ensure_extensions(con, ["spatial"])
        published = {t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
            [PUBLISHED]).fetchall()}
        assert set(published_marts()) <= published
        checked_points = 0
        for mart in sorted(published):
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = ? AND table_name = ?", [PUBLISHED, mart]).fetchall()
            texts = [c for c, t in columns if t == "VARCHAR"]
            for column in texts:
                values = [v for (v,) in con.execute(
                    f'SELECT DISTINCT "{column}" FROM {PUBLISHED}."{mart}" '
                    f'WHERE "{column}" IS NOT NULL').fetchall()]
                assert not [v for v in values if id_pattern.search(v)], (mart, column)
                assert not [v for v in values if _fold(v) in names], (mart, column)
            for column in [c for c, t in columns if t.startswith("GEOMETRY")]:
                points = con.execute(
                    f'SELECT round(st_x(st_centroid("{column}")), 6), '
                    f'round(st_y(st_centroid("{column}")), 6) FROM {PUBLISHED}."{mart}" '
                    f'WHERE "{column}" IS NOT NULL').fetchall()
                checked_points += len(points)
                assert not houses & set(points), (mart, column)
            lon = [c for c, _ in columns if "lon" in c]
            lat = [c for c, _ in columns if "lat" in c]
            for lon_column, lat_column in zip(sorted(lon), sorted(lat), strict=False):
                points = con.execute(
                    f'SELECT round("{lon_column}", 6), round("{lat_column}", 6) '
                    f'FROM {PUBLISHED}."{mart}" WHERE "{lon_column}" IS NOT NULL').fetchall()
                checked_points += len(points)
                assert not houses & set(points), (mart, lon_column)
        assert checked_points > 0
        # the house map is there, pseudonymised: 16-letter keys, no raw house id
        keys = [k for (k,) in con.execute(
            f"SELECT house_key FROM {PUBLISHED}.housing_support_map").fetchall()]
        assert keys and all(re.fullmatch(r"[bcdfghjklmnpqrst]{16}", k) for k in keys)


def test_quality_report_renders_in_chromium(built, tmp_path):
    """The liaison team's report of the release opens in headless Chromium without a console
    error, a script error or a failed request; it has its charts; a screenshot is kept."""
    from tests.browser import open_page

    settings, _, _, _ = built
    release = current_release(settings)
    page_file = settings.reports_dir / "quality" / f"release-{release.id}" / \
        "bao-cao-chat-luong.html"
    assert page_file.is_file()  # made by the run's publish step
    shot = tmp_path / "bao-cao-chat-luong.png"
    seen = open_page(page_file, shot)
    assert seen["console"] == [] and seen["page"] == [] and seen["requests"] == []
    assert seen["title"].startswith("Báo cáo chất lượng dữ liệu — tỉnh Lai Châu")
    assert seen["svg_count"] >= 3  # heat map, trend, gate bars
    for heading in ("Có công bố được không?", "Mục lục", "Bảng điểm theo đơn vị cung cấp",
                    "Xu hướng qua các bản phát hành", "Giao nộp chưa đủ, muộn",
                    "Quy tắc bị vi phạm nhiều nhất", "Mẫu bản ghi lỗi"):
        assert heading in seen["text"], heading
    assert shot.stat().st_size > 50_000


def _cells(html: str, row_attr: str) -> dict[tuple[str, str], str]:
    out = {}
    for key, body in re.findall(rf'<tr {row_attr}="([^"]+)">(.*?)</tr>', html, re.S):
        for principle, text in re.findall(r'data-principle="([^"]+)">([^<]*)</td>', body):
            out[(key, principle)] = text
    return out


def test_quality_report_figures_match_the_scorecard(built):
    """Every heat-map cell and summary figure of the report equals the published scorecard
    (provider × principle: passed / checked; a source's freshness counts for its contract's
    owner); late and missing deliveries are the truth's; warnings are listed; the samples are
    masked."""
    from connectors import SOURCES, get_connector
    from ioc_pipelines.core.vi_format import number as vn_number
    from ioc_pipelines.core.vi_format import percent

    settings, manifest, _, _ = built
    release = current_release(settings)
    html = (settings.reports_dir / "quality" / f"release-{release.id}" /
            "bao-cao-chat-luong.html").read_text(encoding="utf-8")
    owner = {s: get_connector(s).contract.provider for s in SOURCES}
    with connect(settings, work=False, published=True) as con:
        rows = con.execute(f"SELECT source, provider_code, principle, checked, passed "
                           f"FROM {PUBLISHED}.quality_scorecard").fetchall()
    sums: dict[tuple[str, str], list[int]] = {}
    totals: dict[str, list[int]] = {}
    for source, provider, principle, checked, passed in rows:
        cell = sums.setdefault((provider or owner[source], principle), [0, 0])
        cell[0] += checked
        cell[1] += passed
        total = totals.setdefault(principle, [0, 0])
        total[0] += checked
        total[1] += passed
    shown = _cells(html, "data-provider")
    assert len(shown) == 4 * len({p for p, _ in sums})
    for (provider, principle), (checked, passed) in sums.items():
        assert shown[(provider, principle)] == percent(passed / checked), (provider, principle)
    assert sum(text == "—" for text in shown.values()) == 4 * len({p for p, _ in sums}) - len(sums)
    for principle, (checked, passed) in totals.items():
        card = re.search(rf'data-principle="{principle}">.*?<b>([^<]+)</b>\s*<small>([^<]+)'
                         r"</small>", html, re.S)
        assert card.group(1) == percent(passed / checked)
        assert card.group(2).strip() == f"{vn_number(passed)} / {vn_number(checked)} đạt"

    late_or_missing = {(m["source"], m["provider"], m["period"])
                       for m in manifest["missing_deliveries"]
                       if m["source"] in ("indicators", "iot")}
    late_or_missing |= {(d["source"], d["provider"], d["period"]) for d in manifest["deliveries"]
                        if d["source"] in ("indicators", "iot") and d["status"] == "late"}
    shown_gaps = re.findall(r'<tr data-status="(?:missing|late)"><td>([^<]+)</td><td>([^<—]+)'
                            r"(?: — [^<]*)?</td><td>([^<]+)</td>", html)
    assert {(s, p.strip(), d) for s, p, d in shown_gaps} == late_or_missing
    # the warning it was published with, said first, in words, with whose it is; the key
    # only as the engineers' small print
    first = html[html.index('id="first-screen"'):html.index('id="summary"')]
    assert 'id="toc"' in first and "Có công bố được không?" in first
    said = re.search(r"<li>(Báo cáo chỉ tiêu[^<]*) <small class=\"engineer\">quality/delivery_"
                     r"completeness:complete_indicators</small>", first)
    assert said and "chưa nộp kỳ" in said.group(1), first
    words = re.sub(r'<small class="engineer">.*?</small>|<code>.*?</code>|<[^>]+>', " ",
                   html[html.index("<body>"):], flags=re.S)
    assert not INTERNAL.findall(words), INTERNAL.findall(words)
    assert re.search(r'id="over-gate">0<', html)
    # rules: the most frequent first, each with its count from the findings
    with connect(settings) as con:
        top = con.execute("SELECT code, count(*) FROM (SELECT unnest(reason_codes) AS code "
                          "FROM work.validated.rule_findings) GROUP BY code "
                          "ORDER BY count(*) DESC, code LIMIT 3").fetchall()
    for code, count in top:
        assert re.search(rf'data-code="{code}">.*?<td class="num">{vn_number(count)}</td>',
                         html, re.S), code
    samples = html[html.index('id="samples"'):]
    assert "<code>" in samples and not re.search(r"(?<!\d)\d{9,}(?!\d)", samples)
    with connect(settings) as con:
        names = {_fold(n) for (n,) in con.execute(
            "SELECT DISTINCT full_name FROM work.raw.population__citizens "
            "WHERE full_name IS NOT NULL").fetchall()}
    page = _fold(html)
    assert not [n for n in names if len(n) > 6 and n in page]
