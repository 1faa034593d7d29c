"""Demo households (with members, poverty status, policy groups) and houses with coordinates.

Built from the generated people, so household links, commune codes and poverty rates agree
with the population registry. Houses lie inside their commune's real boundary; most
providers send WGS84, one commune sends VN-2000 TM-3 metres (detected by the connector) and
one sends GeoJSON.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np

from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.demo.common import Province, Truth, to_vn2000, write_csv
from ioc_pipelines.demo.xlsx import write_table_xlsx

HOUSEHOLD_HEADERS = ["Mã hộ", "CCCD chủ hộ", "Họ tên chủ hộ", "Mã xã", "Địa chỉ",
                     "Số nhân khẩu", "Phân loại hộ", "Năm rà soát", "Đối tượng chính sách",
                     "Ngày cập nhật"]
MEMBER_HEADERS = ["Mã hộ", "Số định danh", "Họ tên", "Quan hệ với chủ hộ"]
HOUSE_HEADERS = ["Mã nhà", "Mã hộ", "Mã xã", "Địa chỉ", "Loại nhà", "Diện tích sàn",
                 "Kinh độ", "Vĩ độ", "Ngày khảo sát"]
POLICY = ["Người có công với cách mạng", "Thương binh", "Bảo trợ xã hội", "Hộ gia đình liệt sĩ"]
STRUCTURES = ["kiên cố", "bán kiên cố", "nhà tạm", "dột nát"]


def pre_2025_codes(province: Province) -> dict[str, list[str]]:
    """2025 commune code -> the retired pre-2025 codes the crosswalk seed converts into it
    (a provider still using the old code of the same place)."""
    codes: dict[str, list[str]] = defaultdict(list)
    for row in read_reference("admin_units_crosswalk_pre2025.csv"):
        if row["province_code"] == province.code and row["is_split"] == "false":
            codes[row["new_code"]].append(row["old_code"])
    return dict(codes)


def district_codes(province: Province) -> list[str]:
    """The province's pre-2025 district codes (3 digits): records still kept per district."""
    return [r["code"] for r in read_reference("districts_pre2025.csv")
            if r["province_code"] == province.code]


def generate_households(truth: Truth, people: list, as_of: date, seed: int,
                        defect_share: float) -> dict:
    province = truth.province
    rng = random.Random(seed + 11)
    nrng = np.random.default_rng(seed + 12)
    by_household: dict[str, list] = defaultdict(list)
    for p in people:
        by_household[p.household_id].append(p)
    poor, near = province.info["poor"], province.info["near_poor"]
    households, members = [], []
    for hid, folk in by_household.items():
        folk = sorted(folk, key=lambda p: p.birth_date)  # the eldest heads the household
        head = folk[0]
        roll = rng.random()
        status = "nghèo" if roll < poor else "cận nghèo" if roll < poor + near else ""
        households.append({
            "household_id": hid, "head": head, "commune": head.commune_code,
            "address": head.address, "members": len(folk), "status": status,
            "policy": rng.choice(POLICY) if rng.random() < 0.03 else "",
        })
        for k, p in enumerate(folk):
            relation = "Chủ hộ" if k == 0 else ("Vợ" if p.sex == 2 else "Chồng") if k == 1 \
                else "Con"
            members.append([hid, p.citizen_id, p.full_name, relation])
    old_codes = pre_2025_codes(province)
    period = as_of.replace(day=1)
    due = period.replace(day=5)
    when = due if as_of >= due else as_of

    # --- households: one commune sends its own workbook; the department the rest as CSV
    xlsx_commune = province.communes[0].code
    rows_csv, rows_xlsx = [], []
    for h in households:
        row = [h["household_id"], h["head"].citizen_id, h["head"].full_name, h["commune"],
               h["address"], h["members"], h["status"], as_of.year - 1, h["policy"],
               as_of.replace(day=1).strftime("%d/%m/%Y")]
        (rows_xlsx if h["commune"] == xlsx_commune else rows_csv).append(row)
    kinds = ["commune_pre2025", "commune_unknown", "poverty_status_invalid", "required_missing",
             "household_duplicate", "member_count_invalid", "district_level"]
    n_bad = max(len(kinds), int(len(rows_csv) * defect_share))
    bad = rng.sample(range(len(rows_csv)), min(n_bad, len(rows_csv)))
    taken = set(bad)
    csv_name = f"ho_gia_dinh_{period:%Y%m}.csv"
    file_csv = f"SNV__{csv_name}"
    districts = district_codes(province)
    dup_rows = []
    for k, i in enumerate(bad):
        kind = kinds[k % len(kinds)]
        row = rows_csv[i]
        field = {"commune_pre2025": "commune_code", "commune_unknown": "commune_code",
                 "poverty_status_invalid": "poverty_status", "required_missing": "commune_code",
                 "household_duplicate": "household_id", "member_count_invalid": "member_count",
                 "district_level": "commune_code"}
        if kind == "commune_pre2025" and row[3] not in old_codes:
            # this commune kept its code: take a household of one that has an old code
            other = next((j for j in range(len(rows_csv))
                          if j not in taken and rows_csv[j][3] in old_codes), None)
            if other is None:
                kind = "commune_unknown"
            else:
                taken.add(other)
                i, row = other, rows_csv[other]
        if kind == "commune_pre2025":
            row[3] = rng.choice(old_codes[row[3]])
        elif kind == "district_level":
            row[3] = rng.choice(districts)
        elif kind == "commune_unknown":
            row[3] = "99999"
        elif kind == "poverty_status_invalid":
            row[6] = rng.choice(["nghèo đa chiều?", "N", "3"])
        elif kind == "required_missing":
            row[3] = ""
        elif kind == "member_count_invalid":
            row[5] = rng.choice([0, -2, 45])
        elif kind == "household_duplicate":
            # delivered twice (the second copy is the defect), the id retyped in lower case
            dup_rows.append([str(row[0]).lower(), *row[1:]])
            continue
        truth.defect("households", "households__households", file_csv, i + 1, field[kind], kind)
    for extra in dup_rows:
        rows_csv.append(extra)
        truth.defect("households", "households__households", file_csv, len(rows_csv),
                     "household_id", "household_duplicate", duplicate_of=extra[0])
    truth.deliver("households", "SNV", when, csv_name,
                  lambda p: write_csv(p, HOUSEHOLD_HEADERS, rows_csv),
                  {"households__households": len(rows_csv)}, due=due, period=f"{period:%Y-%m}")
    if rows_xlsx:
        title = [f"UBND {province.commune(xlsx_commune).name.upper()}",
                 f"DANH SÁCH HỘ GIA ĐÌNH THÁNG {period.month} NĂM {period.year}"]
        truth.deliver("households", f"XA_{xlsx_commune}", when, f"ho_gia_dinh_{period:%Y%m}.xlsx",
                      lambda p: write_table_xlsx(p, HOUSEHOLD_HEADERS, rows_xlsx, title=title),
                      {"households__households": len(rows_xlsx)}, due=due,
                      period=f"{period:%Y-%m}")

    # --- members
    member_file = f"SNV__thanh_vien_ho_{period:%Y%m}.csv"
    bad = rng.sample(range(len(members)), min(max(3, int(len(members) * defect_share / 3)),
                                              len(members)))
    for k, i in enumerate(bad):
        kind = ["member_household_missing", "cccd_invalid", "member_duplicate"][k % 3]
        if kind == "member_household_missing":
            members[i][0] = f"HO{province.code}9{rng.randrange(10**7):07d}"
            truth.defect("households", "households__members", member_file, i + 1,
                         "household_id", kind)
        elif kind == "cccd_invalid":
            members[i][1] = members[i][1][:-1]
            truth.defect("households", "households__members", member_file, i + 1,
                         "citizen_id", kind)
        else:
            members.append(list(members[i]))
            truth.defect("households", "households__members", member_file, len(members),
                         "citizen_id", kind)
    truth.deliver("households", "SNV", when, f"thanh_vien_ho_{period:%Y%m}.csv",
                  lambda p: write_csv(p, MEMBER_HEADERS, members),
                  {"households__members": len(members)}, due=due, period=f"{period:%Y-%m}")
    truth.counts["households"] = len(households)
    truth.counts["household_members"] = sum(h["members"] for h in households)
    truth.counts["poor_households"] = sum(h["status"] == "nghèo" for h in households)
    truth.counts["near_poor_households"] = sum(h["status"] == "cận nghèo" for h in households)

    return _houses(truth, households, as_of, rng, nrng, defect_share)


def _houses(truth: Truth, households: list[dict], as_of: date, rng: random.Random,
            nrng: np.random.Generator, defect_share: float) -> dict:
    province = truth.province
    quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    due = quarter_start.replace(day=10)
    when = due if as_of >= due else as_of
    by_commune: dict[str, list[dict]] = defaultdict(list)
    for h in households:
        if rng.random() < 0.97:  # a few households share a house or were not surveyed
            by_commune[h["commune"]].append(h)
    rows: dict[str, list[list]] = {"main": [], "vn2000": [], "geojson": []}
    vn_commune, geo_commune = province.communes[1].code, province.communes[2].code
    number = 0
    for commune in province.communes:
        homes = by_commune.get(commune.code, [])
        if not homes:
            continue
        lon, lat = province.points_in(commune, len(homes), nrng)
        for h, x, y in zip(homes, lon, lat, strict=True):
            number += 1
            if h["status"] == "nghèo":
                kind = rng.choices(STRUCTURES, [0.2, 0.35, 0.3, 0.15])[0]
            elif h["status"] == "cận nghèo":
                kind = rng.choices(STRUCTURES, [0.35, 0.45, 0.15, 0.05])[0]
            else:
                kind = rng.choices(STRUCTURES, [0.75, 0.22, 0.025, 0.005])[0]
            row = [f"NHA{province.code}{number:08d}", h["household_id"], commune.code,
                   h["address"], kind, round(rng.uniform(18, 160), 1), round(float(x), 6),
                   round(float(y), 6), as_of.replace(day=1).isoformat()]
            target = "vn2000" if commune.code == vn_commune else \
                "geojson" if commune.code == geo_commune else "main"
            rows[target].append(row)
    crs = province.info["vn2000"]
    if rows["vn2000"]:
        xs, ys = to_vn2000(np.array([r[6] for r in rows["vn2000"]]),
                           np.array([r[7] for r in rows["vn2000"]]), crs)
        for r, x, y in zip(rows["vn2000"], xs, ys, strict=True):
            r[6], r[7] = round(float(x), 2), round(float(y), 2)
    # defects in the department's WGS84 file
    main = rows["main"]
    file_main = f"SXD__nha_o_{quarter_start:%Y}_q{(quarter_start.month - 1) // 3 + 1}.csv"
    others = [c.code for c in province.communes]
    n_bad = max(6, int(len(main) * defect_share))
    for k, i in enumerate(rng.sample(range(len(main)), min(n_bad, len(main)))):
        kind = ["coord_outside_province", "coord_undeclared_vn2000", "coord_wrong_commune",
                "structure_invalid", "coord_swapped", "house_duplicate"][k % 6]
        r = main[i]
        if kind == "coord_outside_province":
            r[6], r[7] = (round(v, 6) for v in province.outside_point(nrng))
        elif kind == "coord_undeclared_vn2000":
            xs, ys = to_vn2000(np.array([r[6]]), np.array([r[7]]), crs)
            r[6], r[7] = round(float(xs[0]), 2), round(float(ys[0]), 2)
        elif kind == "coord_wrong_commune":
            r[2] = rng.choice([c for c in others if c != r[2]])
        elif kind == "structure_invalid":
            r[4] = rng.choice(["nhà sàn gỗ?", "loại 5", ""])
        elif kind == "coord_swapped":
            r[6], r[7] = r[7], r[6]
        else:
            main.append(list(r))
            truth.defect("housing", "housing__houses", file_main, len(main), "house_id", kind)
            continue
        field = {"coord_wrong_commune": "commune_code", "structure_invalid": "structure_type"}
        truth.defect("housing", "housing__houses", file_main, i + 1,
                     field.get(kind, "x"), kind)
    name_main = file_main.split("__", 1)[1]
    period = f"{quarter_start:%Y}-Q{(quarter_start.month - 1) // 3 + 1}"
    truth.deliver("housing", "SXD", when, name_main,
                  lambda p: write_csv(p, HOUSE_HEADERS, main), {"housing__houses": len(main)},
                  due=due, period=period)
    if rows["vn2000"]:
        headers = HOUSE_HEADERS[:6] + ["X (VN-2000)", "Y (VN-2000)"] + HOUSE_HEADERS[8:]
        truth.deliver("housing", f"XA_{vn_commune}", when, f"nha_o_{period}.csv",
                      lambda p: write_csv(p, headers, rows["vn2000"]),
                      {"housing__houses": len(rows["vn2000"])}, due=due, period=period)
    if rows["geojson"]:
        truth.deliver("housing", f"XA_{geo_commune}", when, f"nha_o_{period}.geojson",
                      lambda p: _geojson(p, rows["geojson"]),
                      {"housing__houses": len(rows["geojson"])}, due=due, period=period)
    total = len(main) + len(rows["vn2000"]) + len(rows["geojson"])
    truth.counts["houses"] = total
    return {"houses": total}


def _geojson(path: Path, rows: list[list]) -> None:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r[6], r[7]]},
                 "properties": {"ma_nha": r[0], "ma_ho": r[1], "ma_xa": r[2], "dia_chi": r[3],
                                "loai_nha": r[4], "dien_tich_san": r[5],
                                "ngay_khao_sat": r[8]}} for r in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
