"""Demo enterprise registrations (founded, suspended, resumed, dissolved) by month."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, timedelta

from ioc_pipelines.demo.common import Truth, write_csv
from ioc_pipelines.demo.periodic import (
    months_before,
    volume,
)

EVENT_TYPES = [("thành lập mới", 0.62), ("tạm ngừng kinh doanh", 0.2),
               ("hoạt động trở lại", 0.08), ("giải thể", 0.1)]


def generate_enterprises(truth: Truth, as_of: date, months: int, seed: int,
                         scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 41)
    per_week = volume(province.info["volumes"]["enterprises"], scale, 3)
    communes = [c.code for c in province.communes]
    start = months_before(as_of, months)[0]
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    serial = 0
    week = 0
    event_kinds = itertools.cycle(["enterprise_code_invalid", "event_date_future",
                                   "commune_unknown", "event_type_invalid", "event_duplicate"])
    while monday <= as_of:
        week += 1
        rows = []
        for _ in range(per_week):
            serial += 1
            kind = rng.choices([e for e, _ in EVENT_TYPES], [w for _, w in EVENT_TYPES])[0]
            day = monday - timedelta(days=rng.randint(1, 7))
            rows.append({"ma_so_doanh_nghiep": f"{5400000000 + serial * 37 % 99999999:010d}"
                         if province.code == "12" else f"{1000000000 + serial * 41:010d}",
                         "ten_doanh_nghiep": f"Công ty TNHH {rng.choice(['Thương mại', 'Xây dựng', 'Nông sản', 'Du lịch', 'Vận tải'])} {rng.choice(['Sơn Hà', 'Phúc Lộc', 'Minh Anh', 'Tây Bắc', 'Hồng Hà'])} {serial}",
                         "loai_su_kien": kind, "ngay_hieu_luc": day.isoformat(),
                         "ma_xa_tru_so": rng.choice(communes),
                         "nganh_nghe_chinh": rng.choice(["4101", "4632", "5510", "4933", "0130"]),
                         "von_dieu_le": round(rng.uniform(500, 20000), 0),
                         "loai_hinh": rng.choice(["TNHH một thành viên", "TNHH hai thành viên",
                                                  "Cổ phần", "Doanh nghiệp tư nhân"])})
        defects = []
        if rows:
            k = rng.randrange(len(rows))
            kind = next(event_kinds)
            field = {"enterprise_code_invalid": "enterprise_code",
                     "event_date_future": "event_date", "commune_unknown": "commune_code",
                     "event_type_invalid": "event_type", "event_duplicate": "enterprise_code"}
            if kind == "enterprise_code_invalid":
                rows[k]["ma_so_doanh_nghiep"] = rows[k]["ma_so_doanh_nghiep"][:9] + "X"
            elif kind == "event_date_future":
                rows[k]["ngay_hieu_luc"] = (as_of + timedelta(days=90)).isoformat()
            elif kind == "commune_unknown":
                rows[k]["ma_xa_tru_so"] = "99999"
            elif kind == "event_type_invalid":
                rows[k]["loai_su_kien"] = "sáp nhập???"
            else:
                rows.append(dict(rows[k]))
                k = len(rows) - 1
            defects.append((k + 1, field[kind], kind))
        as_json = week % 2 == 0
        name = f"dang_ky_doanh_nghiep_{monday:%Y%m%d}.{'json' if as_json else 'csv'}"

        def write(p, rows=rows, as_json=as_json):
            if as_json:
                p.write_text(json.dumps({"data": rows, "total": len(rows)}, ensure_ascii=False),
                             encoding="utf-8")
            else:
                write_csv(p, list(rows[0]), [list(r.values()) for r in rows])

        due = monday
        when = monday if rng.random() > 0.1 else monday + timedelta(days=3)
        if when > as_of:
            break
        path = truth.deliver("enterprises", "STC", when, name, write,
                             {"enterprises__events": len(rows)}, due=due,
                             period=f"{monday:%G-W%V}")
        for rn, field, kind in defects:
            truth.defect("enterprises", "enterprises__events", path.name, rn, field, kind)
        monday += timedelta(days=7)
