"""Demo indicator reports: each department's monthly report form (Excel, some in legacy
fonts, one CSV in TCVN3) and the by-commune tables, with late and missing reports."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.demo.common import Province, Truth, write_csv
from ioc_pipelines.demo.households import district_codes, pre_2025_codes
from ioc_pipelines.demo.periodic import (
    GROUPS,
    LEGACY_CSV,
    LEGACY_XLSX,
    delivery_day,
    months_before,
    next_month,
    vi_number,
)
from ioc_pipelines.demo.xlsx import write_report_form


def _base_value(row: dict, province: Province, rng: random.Random) -> float:
    big = province.info["volumes"]["indicators"]
    unit = row["unit"]
    if unit == "%":
        return round(rng.uniform(55, 98), 1)
    if unit == "‰":
        return round(rng.uniform(12, 20), 1)
    if unit in ("tỷ đồng",):
        return round(rng.uniform(40, 400) * big, 1)
    if unit in ("triệu USD",):
        return round(rng.uniform(2, 60) * big, 2)
    if unit in ("triệu đồng",):
        return round(rng.uniform(35, 90) * (1.8 if big > 1 else 1), 1)
    return float(round(rng.uniform(10, 900) * big))


def generate_indicators(truth: Truth, as_of: date, months: int, seed: int,
                        scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 21)
    catalogue = read_reference("indicators_catalogue.csv")
    base = {r["code"]: _base_value(r, province, rng) for r in catalogue}
    by_dept: dict[str, list[dict]] = {}
    for r in catalogue:
        by_dept.setdefault(r["provider"], []).append(r)
    communes = [c.code for c in province.communes]
    old = pre_2025_codes(province)
    submitted_twice = False
    kinds = itertools.cycle(["unit_mistake", "negative_value", "missing_actual", "mojibake"])
    flip = itertools.cycle([True, False])
    commune_kinds = itertools.cycle(["commune_pre2025", "commune_unknown", "district_level"])
    districts = district_codes(province)
    periods = months_before(as_of, months)
    missed = False
    for period in periods:
        quarter_end = period.month % 3 == 0
        for dept, rows in sorted(by_dept.items()):
            due_pair = delivery_day(rng, period, 5, as_of)
            if (not missed and period == periods[0] and dept == "SYT"
                    and next_month(period).replace(day=5) < as_of):
                due_pair = None  # at least one department report never comes
            label = f"{period:%Y-%m}"
            due_rows = [r for r in rows if r["periodicity"] == "tháng"
                        or (r["periodicity"] == "quý" and quarter_end)
                        or (r["periodicity"] == "năm" and period.month == 12)]
            if not due_rows:
                continue  # nothing due from this department this month: nothing to miss
            if due_pair is None:
                truth.miss("indicators", dept, label, next_month(period).replace(day=5))
                missed = True
                continue
            when, due = due_pair
            records, defects = [], []
            for r in due_rows:
                factor = 1 + 0.08 * (period.month - 6) / 6 + rng.uniform(-0.05, 0.05)
                actual = round(base[r["code"]] * factor, 2)
                flow = r["unit"] not in ("%", "‰")
                cumulative = round(actual * period.month * 0.98, 2) if flow else None
                plan = round(base[r["code"]] * (12 if flow else 1) * rng.uniform(0.95, 1.15), 1)
                last_year = round(actual / rng.uniform(1.0, 1.12), 2)
                records.append([r["code"], r["name"], r["unit"], plan, actual, cumulative,
                                last_year, "", GROUPS[r["code"][:2]]])
            # every other delivery carries one defect; the kinds take turns
            money = [i for i, r in enumerate(records) if r[2] == "tỷ đồng"]
            amounts = [i for i, r in enumerate(records) if r[2] not in ("%", "‰")]
            if len(records) >= 2 and next(flip):
                # a kind this report can carry: triệu-for-tỷ needs a money figure, a negative
                # value one whose unit cannot be negative
                candidates = {"unit_mistake": money, "negative_value": amounts,
                              "missing_actual": list(range(len(records))),
                              "mojibake": list(range(len(records)))}
                kind = next(kinds)
                while not candidates[kind]:
                    kind = next(kinds)
                k = rng.choice(candidates[kind])
                rec = records[k]
                if kind == "unit_mistake":
                    rec[4] = round(rec[4] * 1000, 1)  # sent in triệu đồng, unit says tỷ
                elif kind == "negative_value":
                    rec[4] = -abs(rec[4])
                elif kind == "missing_actual":
                    rec[4] = None
                else:
                    kind = "mojibake"
                    rec[1] = rec[1].encode("utf-8").decode("cp1252", errors="replace")
                defects.append((k + 1, {"unit_mistake": "actual", "negative_value": "actual",
                                        "missing_actual": "actual", "mojibake":
                                        "indicator_name"}[kind], kind))
            name = f"bao_cao_chi_tieu_{label}"
            if dept in LEGACY_CSV:
                headers = ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kỳ báo cáo", "Kế hoạch năm",
                           "Thực hiện", "Lũy kế", "Cùng kỳ năm trước"]
                body = [[r[0], r[1], r[2], label, vi_number(r[3]), vi_number(r[4]), vi_number(r[5]), vi_number(r[6])]
                        for r in records]
                path = truth.deliver("indicators", dept, when, f"{name}.csv",
                                     lambda p, h=headers, b=body: write_csv(p, h, b, "tcvn3", ";"),
                                     {"indicators__reports": len(body)}, due=due, period=label)
            else:
                groups: dict[str, list] = {}
                for r in records:
                    groups.setdefault(r[8], []).append(r)
                path = truth.deliver(
                    "indicators", dept, when, f"{name}.xlsx",
                    lambda p, g=groups, period=period, dept=dept: write_report_form(
                        p, authority=f"UBND TỈNH {province.name.upper()}",
                        title=f"BÁO CÁO CHỈ TIÊU KINH TẾ - XÃ HỘI THÁNG {period.month} NĂM "
                              f"{period.year}",
                        period_label=f"(Kèm theo báo cáo của {dept})",
                        groups=list(g.items()), current_label=f"Tháng {period.month}",
                        encoding=LEGACY_XLSX.get(dept)),
                    {"indicators__reports": len(records)}, due=due, period=label)
            for record_number, field, kind in defects:
                truth.defect("indicators", "indicators__reports", path.name, record_number,
                             field, kind)
            # by-commune breakdown of the department's commune-level monthly indicators
            commune_rows = [r for r in due_rows if r["by_commune"] == "1"]
            if commune_rows:
                body, cdefects = [], []
                for r in commune_rows:
                    for code in communes:
                        body.append([r["code"], r["name"], r["unit"], label, code,
                                     vi_number(round(base[r["code"]] / len(communes)
                                               * rng.uniform(0.5, 1.5), 2))])
                if next(flip):
                    kind = next(commune_kinds)
                    with_old = [j for j, b in enumerate(body) if b[4] in old]
                    if kind == "commune_pre2025" and with_old:
                        k = rng.choice(with_old)  # a commune whose old code the form still uses
                    else:
                        k = rng.randrange(len(body))
                        kind = "commune_unknown" if kind == "commune_pre2025" else kind
                    body[k][4] = (rng.choice(old[body[k][4]]) if kind == "commune_pre2025"
                                  else rng.choice(districts) if kind == "district_level"
                                  else "00000")
                    cdefects.append((k + 1, "commune_code", kind))
                p2 = truth.deliver("indicators", dept, when, f"{name}_theo_xa.csv",
                                   lambda p, b=body: write_csv(
                                       p, ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kỳ báo cáo",
                                           "Mã xã", "Thực hiện"], b),
                                   {"indicators__reports": len(body)}, due=due, period=label)
                for record_number, field, kind in cdefects:
                    truth.defect("indicators", "indicators__reports", p2.name, record_number,
                                 field, kind)
            # one department re-submits a month with changed figures and no correction flag
            if not submitted_twice and dept == "STC" and len(records) >= 2:
                submitted_twice = True
                again = [list(r) for r in records]
                again[0][4] = round((again[0][4] or 1) * 1.1, 2)
                headers = ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Kỳ báo cáo", "Kế hoạch năm",
                           "Thực hiện", "Lũy kế", "Cùng kỳ năm trước"]
                body = [[r[0], r[1], r[2], label, r[3], r[4], r[5], r[6]] for r in again]
                p3 = truth.deliver("indicators", dept, when + timedelta(days=1),
                                   f"{name}_gui_lai.csv",
                                   lambda p, b=body, h=headers: write_csv(p, h, b),
                                   {"indicators__reports": len(body)}, due=due, period=label)
                truth.defect("indicators", "indicators__reports", p3.name, 1, "actual",
                             "double_submission", first_file=path.name)
                # the figures sent again carry the first file's defects (a missing first
                # actual is the one the ×1.1 fills)
                for record_number, field, kind in defects:
                    if not (record_number == 1 and kind == "missing_actual"):
                        truth.defect("indicators", "indicators__reports", p3.name,
                                     record_number, field, kind)
