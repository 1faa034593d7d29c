"""Demo construction permits and cadastral parcels by month."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from ioc_pipelines.demo.common import Truth, write_csv
from ioc_pipelines.demo.periodic import (
    delivery_day,
    months_before,
    next_month,
    volume,
)
from ioc_pipelines.demo.xlsx import write_table_xlsx

PURPOSES = ["Nhà ở riêng lẻ", "Công trình thương mại, dịch vụ", "Công trình công nghiệp",
            "Công trình công cộng"]
LAND_USE = ["ONT", "ODT", "TMD", "SKC", "DGD"]


def generate_land_permits(truth: Truth, as_of: date, months: int, seed: int,
                          scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 61)
    per_month = volume(province.info["volumes"]["permits"], scale, 8)
    communes = [c.code for c in province.communes]
    parcels, serial = [], 0
    permit_kinds = itertools.cycle(["issued_future", "area_negative", "commune_unknown",
                                    "permit_duplicate", "required_missing"])
    for period in months_before(as_of, months):
        label = f"{period:%Y-%m}"
        pair = delivery_day(rng, period, 5, as_of)
        end = next_month(period)
        rows = []
        for _ in range(per_month):
            serial += 1
            commune = rng.choice(communes)
            sheet, parcel = str(rng.randint(1, 80)), str(rng.randint(1, 900))
            issued = period + timedelta(days=rng.randrange((end - period).days))
            area = round(rng.uniform(60, 600), 1)
            rows.append([f"{serial:04d}/GPXD-{period.year}", issued.strftime("%d/%m/%Y"),
                         f"Hộ ông/bà {serial}", commune, f"Thôn {rng.randint(1, 20)}",
                         rng.choices(PURPOSES, [0.8, 0.1, 0.05, 0.05])[0], area,
                         rng.randint(1, 5), sheet, parcel, "Đã cấp"])
            if rng.random() < 0.93:  # some permits reference parcels the registry lacks
                parcels.append([commune, sheet, parcel, rng.choice(LAND_USE),
                                round(area * rng.uniform(1.2, 3), 1), f"Hộ ông/bà {serial}",
                                "Đã cấp GCN"])
        if pair is None:
            truth.miss("land_permits", "SXD", label, end.replace(day=5))
            continue
        when, due = pair
        defects = []
        for k in rng.sample(range(len(rows)), min(3, len(rows))):
            kind = next(permit_kinds)
            field = {"issued_future": "issued_on", "area_negative": "floor_area_m2",
                     "commune_unknown": "commune_code", "permit_duplicate": "permit_number",
                     "required_missing": "permit_number"}
            if kind == "issued_future":
                rows[k][1] = (as_of + timedelta(days=200)).strftime("%d/%m/%Y")
            elif kind == "area_negative":
                rows[k][6] = -rows[k][6]
            elif kind == "commune_unknown":
                rows[k][3] = "99999"
            elif kind == "required_missing":
                rows[k][0] = None
            else:  # typed again: the same permit, its number with other case and spacing
                copy = list(rows[k])
                copy[0] = f" {str(copy[0]).lower()}" if len(rows) % 2 else copy[0]
                rows.append(copy)
                k = len(rows) - 1
            defects.append((k + 1, field[kind], kind))
        headers = ["Số giấy phép", "Ngày cấp", "Chủ đầu tư", "Mã xã", "Địa điểm xây dựng",
                   "Loại công trình", "Tổng diện tích sàn", "Số tầng", "Tờ bản đồ", "Thửa đất",
                   "Trạng thái"]
        path = truth.deliver("land_permits", "SXD", when, f"giay_phep_xay_dung_{label}.xlsx",
                             lambda p, r=rows, h=headers, d=period: write_table_xlsx(
                                 p, h, r,
                                 title=[f"DANH SÁCH GIẤY PHÉP XÂY DỰNG THÁNG {d.month}/"
                                        f"{d.year}"]),
                             {"land_permits__permits": len(rows)}, due=due, period=label)
        for rn, field, kind in defects:
            truth.defect("land_permits", "land_permits__permits", path.name, rn, field, kind)
    headers = ["Mã xã", "Tờ bản đồ", "Thửa đất", "Loại đất", "Diện tích", "Chủ sử dụng",
               "Tình trạng pháp lý"]
    truth.deliver("land_permits", "SNNMT", as_of, "thua_dat_dia_chinh.csv",
                  lambda p: write_csv(p, headers, parcels),
                  {"land_permits__parcels": len(parcels)})
    truth.counts["parcels"] = len(parcels)
