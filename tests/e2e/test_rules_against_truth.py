"""The curated layers measured against the generator's ground truth: for every defect type,
recall (injected defects caught) and precision (flagged records really defective) ≥ 0.99.
Runs the real stack (`ioc run`: generator, landing, raw, dbt build, checks, publish)."""

import json

import pytest

from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from quality_checks.truth import EXPECTED_REASON, score, table
from tests.conftest import clean_env, run_ioc

pytestmark = pytest.mark.slow


def test_every_defect_type_is_caught_precisely(ioc_home, capsys):
    run_ioc(clean_env(ioc_home), "run", "--scale", "0.005", "--months", "2", timeout=1500)
    manifest = json.loads((ioc_home / "demo" / "truth" / "manifest.json").read_text())
    with connect(load_settings()) as con:
        findings = con.execute("SELECT raw_table, file_name, record_number, reason_codes "
                               "FROM work.validated.rule_findings").fetchall()
        gaps = set(con.execute(
            "SELECT sensor_id, quantity, timezone('Asia/Ho_Chi_Minh', observed_at) "
            "FROM work.validated.iot_readings_checked "
            "WHERE list_contains(qc_flags, 'GAP')").fetchall())
    scores = score(manifest, findings, gaps)
    with capsys.disabled():
        print("\n" + table(scores))
    measured = {(s.table, s.defect) for s in scores}
    injected = {(d["table"], d["defect"]) for d in manifest["defects"]}
    assert injected <= measured and injected <= set(EXPECTED_REASON)
    weak = [s for s in scores if s.recall < 0.99 or s.precision < 0.99]
    assert not weak, "\n" + table(weak)

    # marts reconcile with the truth exactly: records delivered (per the manifest) minus the
    # records the rules took out (quarantined; for IoT, flagged other than GAP)
    def kept(raw_table):
        delivered = sum(d["rows"].get(raw_table, 0) for d in manifest["deliveries"])
        taken_out = {(f, n) for t, f, n, reasons in findings
                     if t == raw_table and set(reasons) - {"GAP"}}
        return delivered - len(taken_out)

    with connect(load_settings()) as con:
        got = con.execute(
            "SELECT (SELECT sum(households) FROM work.marts.housing_poverty_by_commune), "
            "(SELECT sum(houses) FROM work.marts.housing_poverty_by_commune), "
            "(SELECT sum(permits) FROM work.marts.permits_by_commune_month), "
            "(SELECT sum(readings) FROM work.marts.iot_hourly)").fetchone()
    assert got == (kept("households__households"), kept("housing__houses"),
                   kept("land_permits__permits"), kept("iot__readings"))
