"""Demo map layer (the real 2025 boundaries, points of interest, roads) and approved plans."""

from __future__ import annotations

import gzip
import json
import random
from datetime import date, timedelta

import numpy as np

from ioc_pipelines.demo.common import Truth, write_csv
from ioc_pipelines.provinces import provinces

POI_KINDS = [("school", "Trường Tiểu học", 3), ("school", "Trường THCS", 1),
             ("health_station", "Trạm Y tế", 1), ("market", "Chợ", 1)]


def _fc(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def generate_map(truth: Truth, as_of: date, seed: int) -> None:
    province = truth.province
    rng = random.Random(seed + 81)
    nrng = np.random.default_rng(seed + 82)
    first = as_of - timedelta(days=60)
    boundaries = gzip.decompress(provinces()[province.code].boundary_path.read_bytes())
    units = sum(1 for f in json.loads(boundaries)["features"])
    truth.deliver("map", "SNNMT", first, f"ranh_gioi_hanh_chinh_{province.code}.geojson",
                  lambda p: p.write_bytes(boundaries), {"map__admin_units": units})
    pois, number = [], 0
    for commune in province.communes:
        for kind, label, count in POI_KINDS:
            lon, lat = province.points_in(commune, count, nrng)
            for x, y in zip(lon, lat, strict=True):
                number += 1
                pois.append({"type": "Feature",
                             "geometry": {"type": "Point",
                                          "coordinates": [round(float(x), 6), round(float(y), 6)]},
                             "properties": {"id": f"POI{province.code}{number:05d}",
                                            "ten": f"{label} {commune.name.split(' ', 1)[1]}"
                                            + (f" số {number}" if count > 1 else ""),
                                            "loai": kind, "ma_xa": commune.code}})
    bad = rng.sample(range(len(pois)), 2)
    x, y = province.outside_point(nrng)
    pois[bad[0]]["geometry"]["coordinates"] = [round(x, 6), round(y, 6)]
    pois[bad[1]]["properties"]["ma_xa"] = "99999"
    path = truth.deliver("map", "SNNMT", first, "diem_quan_tam.geojson",
                         lambda p: p.write_text(_fc(pois), encoding="utf-8"),
                         {"map__pois": len(pois)})
    truth.defect("map", "map__pois", path.name, bad[0] + 1, "geometry", "coord_outside_province")
    truth.defect("map", "map__pois", path.name, bad[1] + 1, "commune_code", "commune_unknown")
    # roads: a line through neighbouring commune centres, ordered along the province
    centres = sorted(province.communes, key=lambda c: (c.lon, c.lat))
    lines = []
    for i in range(0, len(centres) - 1, 2):
        chain = centres[i:i + 3]
        lines.append({"type": "Feature", "geometry": {
            "type": "LineString", "coordinates": [[c.lon, c.lat] for c in chain]},
            "properties": {"id": f"DUONG{province.code}{i:03d}",
                           "ten": f"Đường tỉnh {100 + i}", "loai": "road"}})
    truth.deliver("map", "SXD", first, "duong_giao_thong.geojson",
                  lambda p: p.write_text(_fc(lines), encoding="utf-8"), {"map__lines": len(lines)})
    truth.counts["pois"] = len(pois)


def generate_planning(truth: Truth, as_of: date, seed: int) -> None:
    province = truth.province
    rng = random.Random(seed + 91)
    towns = [c for c in province.communes if c.level == "phường"] or province.communes
    plans, docs = [], []
    for i, commune in enumerate(towns[:6], start=1):
        half = rng.uniform(0.01, 0.03)
        ring = [[commune.lon - half, commune.lat - half], [commune.lon + half, commune.lat - half],
                [commune.lon + half, commune.lat + half], [commune.lon - half, commune.lat + half],
                [commune.lon - half, commune.lat - half]]
        decided = as_of - timedelta(days=rng.randint(30, 900))
        plan_id = f"QH{province.code}-{i:03d}"
        plans.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                      "properties": {"ma_quy_hoach": plan_id,
                                     "ten_quy_hoach": f"Quy hoạch phân khu {commune.name}",
                                     "cap": rng.choice(["phân khu", "chi tiết", "chung"]),
                                     "so_quyet_dinh": f"{rng.randint(100, 3000)}/QĐ-UBND",
                                     "ngay_quyet_dinh": decided.strftime("%d/%m/%Y"),
                                     "co_quan_phe_duyet": f"UBND tỉnh {province.name}",
                                     "dien_tich_ha": round((2 * half * 111) ** 2 * 100, 1),
                                     "ma_xa": commune.code}})
        for kind in ("Quyết định phê duyệt", "Bản vẽ", "Thuyết minh"):
            docs.append([plan_id, kind, f"{kind} {plan_id}",
                         f"https://ioc.example.gov.vn/quy-hoach/{plan_id}/{kind.split()[0].lower()}.pdf"])
    plans[-1]["properties"]["ngay_quyet_dinh"] = (as_of + timedelta(days=30)).strftime("%d/%m/%Y")
    when = as_of - timedelta(days=20)
    path = truth.deliver("planning", "SXD", when, "quy_hoach.geojson",
                         lambda p: p.write_text(_fc(plans), encoding="utf-8"),
                         {"planning__plans": len(plans)})
    truth.defect("planning", "planning__plans", path.name, len(plans), "decision_date",
                 "decision_date_future")
    truth.deliver("planning", "SXD", when, "tai_lieu_quy_hoach.csv",
                  lambda p: write_csv(p, ["Mã quy hoạch", "Loại tài liệu", "Tên tài liệu",
                                           "Đường dẫn"], docs),
                  {"planning__documents": len(docs)})
