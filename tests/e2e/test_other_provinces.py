"""Thái Nguyên (19, merged with Bắc Kạn in 2025) as a third demo province — and Hưng Yên (33)
beside it — through the whole stack with nothing but `IOC_PROVINCE`: every one of its
communes in `dim_admin_units`, the briefing's map drawing each of them, the reports (the
briefing, quality report, a sector view, the operations report, the rejection reports) naming
the province and no other demo province, and every injected defect type caught with recall
and precision ≥ 0.99, as for Lai Châu (tests/e2e/test_rules_against_truth.py)."""

import json
import re

import pytest

from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.settings import load_settings
from quality_checks.truth import EXPECTED_REASON, score, table
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import findings_and_gaps

pytestmark = pytest.mark.slow


DEMOS = {"19": ("thainguyen", "Thái Nguyên", 92), "33": ("hungyen", "Hưng Yên", 104)}


@pytest.fixture(scope="module", params=sorted(DEMOS))
def built(request, tmp_path_factory):
    code = request.param
    home = tmp_path_factory.mktemp(DEMOS[code][0]) / "ioc"
    env = clean_env(home, IOC_PROVINCE=code)
    run_ioc(env, "run", "--scale", "0.005", "--months", "2", "--approve-by", "test",
            timeout=1500)
    settings = load_settings(env)
    manifest = json.loads((home / "demo" / "truth" / "manifest.json").read_text())
    communes = {u["code"] for u in read_reference("admin_units_2025.csv")
                if u["province_code"] == code}
    return home, settings, manifest, communes


def test_the_demo_is_the_province_and_every_commune_is_a_published_unit(built):
    _, settings, manifest, communes = built
    code = settings.province_code
    assert (manifest["province"], manifest["province_code"]) == (DEMOS[code][0], code)
    assert len(communes) == DEMOS[code][2]
    with connect(settings, work=False, published=True) as con:
        units = dict(con.execute(f"SELECT commune_code, province_code FROM "
                                 f"{PUBLISHED}.main.dim_admin_units").fetchall())
        counted = {c for (c,) in con.execute(
            f"SELECT DISTINCT commune_code FROM {PUBLISHED}.main.population_by_commune"
        ).fetchall()}
    assert set(units) == communes and set(units.values()) == {code}
    assert counted <= communes and len(counted) > 0.85 * len(communes)  # across the province


def test_every_defect_type_is_caught_precisely(built, capsys):
    _, settings, manifest, _ = built
    rows, gaps = findings_and_gaps(settings)
    scores = score(manifest, [row[:4] for row in rows], gaps)
    with capsys.disabled():
        print("\n" + table(scores))
    injected = {(d["table"], d["defect"]) for d in manifest["defects"]}
    assert injected <= {(s.table, s.defect) for s in scores} and injected <= set(EXPECTED_REASON)
    weak = [s for s in scores if s.recall < 0.99 or s.precision < 0.99]
    assert not weak, "\n" + table(weak)


def test_the_briefing_maps_every_commune_and_names_only_its_province(built):
    home, settings, _, communes = built
    name = DEMOS[settings.province_code][1]
    env = clean_env(home, IOC_PROVINCE=settings.province_code)
    run_ioc(env, "report", "sector", "--sector", "environment", "--area",
            f"commune:{min(communes)}", "--no-pdf")
    run_ioc(env, "report", "operations", "--no-pdf")
    others = [n for _key, n, _count in DEMOS.values() if n != name] + ["Lai Châu"]
    (briefing,) = (home / "reports" / "briefing").glob("*/release-*/bao-cao-kinh-te-xa-hoi.html")
    html = briefing.read_text(encoding="utf-8")
    poverty = html.split('id="dan-so-ho-ngheo"', 1)[1].split("<section", 1)[0]
    drawn = set(re.findall(r'<g data-code="(\d{5})" data-value="[^"]*">', poverty))
    assert drawn == communes
    assert briefing.with_suffix(".pdf").stat().st_size > 10_000
    pages = list((home / "reports").rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not [n for n in others if n in text], page
    for kind in ("briefing", "quality", "sector", "operations"):  # each names its province
        assert [p for p in pages if p.is_relative_to(home / "reports" / kind)
                and f"tỉnh {name}" in p.read_text(encoding="utf-8")], kind
