"""Measuring the rules against a generator's ground truth: per defect type, the share of
injected defects caught (recall) and of flagged records really defective (precision).

A plain library (no ``ioc_pipelines`` import): it takes the manifest and the findings as rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

# (raw table, generator defect type) -> the reason code the rules must give
EXPECTED_REASON = {
    ("population__citizens", "cccd_format"): "CCCD_FORMAT",
    ("population__citizens", "cccd_cmnd"): "CCCD_CMND",
    ("population__citizens", "cccd_prefix"): "CCCD_PREFIX",
    ("population__citizens", "cccd_century_sex"): "CCCD_CENTURY_SEX",
    ("population__citizens", "cccd_birth_year"): "CCCD_BIRTH_YEAR",
    ("population__citizens", "cccd_duplicate"): "CCCD_DUPLICATE",
    ("population__citizens", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("population__citizens", "birth_date_invalid"): "BIRTH_DATE_INVALID",
    ("population__citizens", "sex_invalid"): "SEX_INVALID",
    ("population__citizens", "name_missing"): "NAME_MISSING",
    ("households__households", "commune_pre2025"): "COMMUNE_CONVERTED",
    ("households__households", "district_level"): "COMMUNE_DISTRICT_LEVEL",
    ("households__households", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("households__households", "poverty_status_invalid"): "POVERTY_STATUS_INVALID",
    ("households__households", "required_missing"): "COMMUNE_MISSING",
    ("households__households", "household_duplicate"): "HOUSEHOLD_DUPLICATE",
    ("households__households", "member_count_invalid"): "MEMBER_COUNT_INVALID",
    ("households__members", "member_household_missing"): "MEMBER_HOUSEHOLD_MISSING",
    ("households__members", "cccd_invalid"): "CCCD_FORMAT",
    ("households__members", "member_duplicate"): "MEMBER_DUPLICATE",
    ("housing__houses", "coord_outside_province"): "COORD_OUTSIDE_PROVINCE",
    ("housing__houses", "coord_undeclared_vn2000"): "COORD_CRS_MIXED",
    ("housing__houses", "coord_wrong_commune"): "COORD_COMMUNE_MISMATCH",
    ("housing__houses", "structure_invalid"): "STRUCTURE_INVALID",
    ("housing__houses", "coord_swapped"): "COORD_SWAPPED",
    ("housing__houses", "house_duplicate"): "HOUSE_DUPLICATE",
    ("land_permits__permits", "issued_future"): "DATE_FUTURE",
    ("land_permits__permits", "area_negative"): "AREA_INVALID",
    ("land_permits__permits", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("land_permits__permits", "permit_duplicate"): "PERMIT_DUPLICATE",
    ("land_permits__permits", "required_missing"): "PERMIT_NUMBER_MISSING",
    ("indicators__reports", "unit_mistake"): "UNIT_SCALE",
    ("indicators__reports", "negative_value"): "VALUE_NEGATIVE",
    ("indicators__reports", "missing_actual"): "ACTUAL_MISSING",
    ("indicators__reports", "mojibake"): "TEXT_MOJIBAKE",
    ("indicators__reports", "commune_pre2025"): "COMMUNE_CONVERTED",
    ("indicators__reports", "district_level"): "COMMUNE_DISTRICT_LEVEL",
    ("indicators__reports", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("indicators__reports", "double_submission"): "DOUBLE_SUBMISSION",
    ("finance__budget", "unit_mistake"): "UNIT_SCALE",
    ("finance__projects", "disbursed_exceeds_plan"): "DISBURSED_EXCEEDS_PLAN",
    ("finance__projects", "negative_value"): "VALUE_NEGATIVE",
    ("finance__projects", "as_of_future"): "DATE_FUTURE",
    ("enterprises__events", "enterprise_code_invalid"): "ENTERPRISE_CODE_INVALID",
    ("enterprises__events", "event_date_future"): "DATE_FUTURE",
    ("enterprises__events", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("enterprises__events", "event_type_invalid"): "EVENT_TYPE_INVALID",
    ("enterprises__events", "event_duplicate"): "EVENT_DUPLICATE",
    ("feedback__cases", "resolved_before_received"): "RESOLVED_BEFORE_RECEIVED",
    ("feedback__cases", "satisfaction_out_of_range"): "SATISFACTION_INVALID",
    ("feedback__cases", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("feedback__cases", "status_missing"): "STATUS_MISSING",
    ("feedback__cases", "received_future"): "DATE_FUTURE",
    ("iot__readings", "stuck_sensor"): "STUCK",
    ("iot__readings", "out_of_order"): "OUT_OF_ORDER",
    ("iot__readings", "duplicate_reading"): "DUPLICATE_READING",
    ("iot__readings", "out_of_range"): "OUT_OF_RANGE",
    ("iot__readings", "gap"): "GAP",
    ("map__pois", "coord_outside_province"): "COORD_OUTSIDE_PROVINCE",
    ("map__pois", "commune_unknown"): "COMMUNE_UNKNOWN",
    ("planning__plans", "decision_date_future"): "DATE_FUTURE",
}


@dataclass
class Score:
    table: str
    defect: str
    reason: str
    injected: int
    caught: int
    flagged: int
    correct: int

    @property
    def recall(self) -> float:
        return self.caught / self.injected if self.injected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0


def score(manifest: dict, findings: list[tuple], gaps_flagged: set[tuple]) -> list[Score]:
    """``findings``: (raw_table, file, record_number, reason_codes); ``gaps_flagged``:
    (sensor_id, quantity, observed_at as naive local datetime) of readings flagged GAP."""
    flagged_by_reason: dict[tuple[str, str], set] = defaultdict(set)
    for table, file, record, reasons in findings:
        for reason in reasons:
            flagged_by_reason[(table, reason)].add((file, record))
    truth: dict[tuple[str, str], set] = defaultdict(set)
    for d in manifest["defects"]:
        if d["defect"] != "gap":
            truth[(d["table"], d["defect"])].add((d["file"], d["record_number"]))
    # records that are defective in the truth for a reason, whatever the type name
    truth_by_reason: dict[tuple[str, str], set] = defaultdict(set)
    for (table, defect), keys in truth.items():
        truth_by_reason[(table, EXPECTED_REASON[(table, defect)])] |= keys
    scores = []
    for (table, defect), keys in sorted(truth.items()):
        reason = EXPECTED_REASON[(table, defect)]
        flagged = flagged_by_reason[(table, reason)]
        expected = truth_by_reason[(table, reason)]
        scores.append(Score(table, defect, reason, len(keys), len(keys & flagged),
                            len(flagged), len(flagged & expected)))
    scores.append(_gap_score(manifest, gaps_flagged))
    return scores


def _gap_score(manifest: dict, flagged: set[tuple]) -> Score:
    """A gap is caught when the first reading after it is flagged GAP. Days whose drop never
    came leave a gap too: they count as expected (a missing delivery), not as false alarms."""
    step = timedelta(minutes=5)
    injected = {(g["sensor_id"], g["quantity"],
                 datetime.fromisoformat(g["to"].replace(" ", "T")) + step)
                for g in manifest["defects"] if g["defect"] == "gap"}
    missing_days = {m["period"] for m in manifest["missing_deliveries"] if m["source"] == "iot"}
    explained = {key for key in flagged
                 if (key[2] - timedelta(days=1)).date().isoformat() in missing_days
                 and key[2].time() == datetime.min.time()}
    return Score("iot__readings", "gap", "GAP", len(injected), len(injected & flagged),
                 len(flagged - explained), len((flagged - explained) & injected))


def table(scores: list[Score]) -> str:
    lines = [f"{'raw table':<24} {'defect type':<26} {'reason':<26} {'injected':>8} "
             f"{'recall':>7} {'flagged':>8} {'precision':>9}"]
    for s in scores:
        lines.append(f"{s.table:<24} {s.defect:<26} {s.reason:<26} {s.injected:>8} "
                     f"{s.recall:>7.3f} {s.flagged:>8} {s.precision:>9.3f}")
    return "\n".join(lines)
