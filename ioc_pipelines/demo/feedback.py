"""Demo citizen feedback cases from the IOC's channels, with handling and satisfaction."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, datetime, timedelta

from ioc_pipelines.demo.common import Truth, name_variant, write_csv
from ioc_pipelines.demo.periodic import (
    months_before,
    next_month,
    volume,
)

CATEGORIES = ["Môi trường", "Giao thông", "Đất đai", "An ninh trật tự", "Y tế", "Giáo dục",
              "Điện, nước", "Thủ tục hành chính"]
CHANNELS = ["Ứng dụng IOC", "Tổng đài 1022", "Cổng thông tin", "Zalo", "Trực tiếp"]
UNITS = ["UBND xã", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Công an tỉnh", "Sở Y tế"]


def generate_feedback(truth: Truth, as_of: date, months: int, seed: int, scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 51)
    per_month = volume(province.info["volumes"]["feedback"], scale, 30)
    communes = [c.code for c in province.communes]
    serial = 0
    periods = months_before(as_of, months)
    case_kinds = itertools.cycle(["resolved_before_received", "satisfaction_out_of_range",
                                  "commune_unknown", "status_missing", "received_future"])
    for n, period in enumerate(periods):
        label = f"{period:%Y-%m}"
        end = next_month(period)
        rows = []
        for _ in range(per_month):
            serial += 1
            received = datetime.combine(period, datetime.min.time()) + timedelta(
                minutes=rng.randrange(int((end - period).days * 1440)))
            due = received + timedelta(days=rng.choice([5, 7, 10, 15]))
            status = rng.choices(["Đã xử lý", "Đang xử lý", "Quá hạn"], [0.8, 0.12, 0.08])[0]
            resolved = received + timedelta(hours=rng.uniform(4, 24 * 20)) \
                if status == "Đã xử lý" else None
            rows.append({
                "maPhanAnh": f"PA{province.code}-{serial:07d}",
                "thoiGianTiepNhan": received.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
                "kenhTiepNhan": rng.choice(CHANNELS), "linhVuc": rng.choice(CATEGORIES),
                "maXa": rng.choice(communes), "donViXuLy": rng.choice(UNITS),
                "trangThai": status, "hanXuLy": due.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
                "thoiGianHoanThanh": resolved.strftime("%Y-%m-%dT%H:%M:%S+07:00")
                if resolved else None,
                "mucDoHaiLong": rng.choices([1, 2, 3, 4, 5], [0.05, 0.08, 0.2, 0.4, 0.27])[0]
                if resolved else None,
                "noiDung": f"Phản ánh về {rng.choice(CATEGORIES).lower()} tại thôn {rng.randint(1, 20)}",
                "nguoiPhanAnh": {"hoTen": f"Người dân {serial}",
                                 "soDienThoai": f"09{rng.randrange(10**8):08d}",
                                 "email": None},
            })
        defects = []
        damaged = rng.sample(range(len(rows)), min(5, len(rows)))
        named = []  # the portal knows the commune by the name the citizen picked or typed
        for k, r in enumerate(rows):
            r["tenXa"] = name_variant(province.commune(r["maXa"]).name, rng)
            if k not in damaged and rng.random() < 0.1:
                named.append((k + 1, r["maXa"]))
                r["maXa"] = None
        for k in damaged:
            kind = next(case_kinds)
            r = rows[k]
            field = {"resolved_before_received": "resolved_at",
                     "satisfaction_out_of_range": "satisfaction", "commune_unknown":
                     "commune_code", "status_missing": "status", "received_future": "received_at"}
            if kind == "resolved_before_received":
                r["thoiGianHoanThanh"] = (datetime.fromisoformat(r["thoiGianTiepNhan"])
                                          - timedelta(days=2)).isoformat()
            elif kind == "satisfaction_out_of_range":
                r["mucDoHaiLong"] = rng.choice([0, 7, 10])
            elif kind == "commune_unknown":
                r["maXa"] = "99999"
            elif kind == "status_missing":
                r["trangThai"] = None
            else:
                r["thoiGianTiepNhan"] = f"{as_of.year + 1}-01-01T08:00:00+07:00"
            defects.append((k + 1, field[kind], kind))
        due_date = end + timedelta(days=1)
        when = min(due_date, as_of)
        if n == len(periods) - 2:  # one month arrives late, as a CSV
            when = min(due_date + timedelta(days=6), as_of)
            flat = [{**{k: v for k, v in r.items() if k != "nguoiPhanAnh"},
                     "nguoiPhanAnh_hoTen": r["nguoiPhanAnh"]["hoTen"],
                     "nguoiPhanAnh_soDienThoai": r["nguoiPhanAnh"]["soDienThoai"]}
                    for r in rows]
            path = truth.deliver("feedback", "VPUB", when, f"phan_anh_kien_nghi_{label}.csv",
                                 lambda p, f=flat: write_csv(
                                     p, list(f[0]), [["" if v is None else v for v in r.values()]
                                                     for r in f]),
                                 {"feedback__cases": len(rows)}, due=due_date, period=label)
        else:
            path = truth.deliver("feedback", "VPUB", when, f"phan_anh_kien_nghi_{label}.json",
                                 lambda p, r=rows: p.write_text(json.dumps(
                                     {"status": "ok", "data": r}, ensure_ascii=False),
                                     encoding="utf-8"),
                                 {"feedback__cases": len(rows)}, due=due_date, period=label)
        for rn, field, kind in defects:
            truth.defect("feedback", "feedback__cases", path.name, rn, field, kind)
        truth.placed_by_name.extend({"table": "feedback__cases", "file": path.name,
                                     "record_number": rn, "commune_code": code}
                                    for rn, code in named)
    truth.counts["feedback_cases"] = per_month * len(periods)
