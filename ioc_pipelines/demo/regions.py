"""What makes a demo province plausible, for each of the 34: its region's ethnic mix, household
sizes, poverty rates, religions and village word; its population (approximate, from the
figures published with the 2025 merger) and its main rivers, on which water-level sensors
are named (its VN-2000 zone: provinces.py). Lai Châu and Hưng Yên keep the figures the demo
had before the other provinces were added, so their demos are unchanged.

The shares are rounded census-like figures for a demo, not statistics to quote.
"""

from __future__ import annotations

from ioc_pipelines.provinces import provinces

# (QĐ 121 ethnicity code, share) of a region; a province may override (PROVINCE_MIX)
REGION_MIX = {
    "northwest": [("03", 0.35), ("08", 0.25), ("01", 0.18), ("09", 0.08), ("02", 0.04),
                  ("29", 0.03), ("25", 0.02), ("35", 0.02), ("34", 0.02), ("37", 0.01)],
    "northeast": [("01", 0.45), ("02", 0.25), ("07", 0.12), ("09", 0.08), ("08", 0.06),
                  ("18", 0.02), ("15", 0.02)],
    "delta": [("01", 0.994), ("06", 0.002), ("02", 0.002), ("07", 0.001), ("04", 0.001)],
    "north_central": [("01", 0.88), ("06", 0.05), ("03", 0.05), ("08", 0.01), ("29", 0.01)],
    "central_coast": [("01", 0.95), ("26", 0.015), ("23", 0.015), ("19", 0.01), ("14", 0.01)],
    "highlands": [("01", 0.72), ("12", 0.08), ("10", 0.08), ("13", 0.04), ("16", 0.03),
                  ("20", 0.02), ("02", 0.015), ("07", 0.015)],
    "south": [("01", 0.95), ("05", 0.03), ("04", 0.015), ("17", 0.005)],
}
PROVINCE_MIX = {
    "04": [("02", 0.40), ("07", 0.30), ("08", 0.10), ("09", 0.10), ("01", 0.06), ("15", 0.04)],
    "08": [("01", 0.32), ("02", 0.25), ("08", 0.20), ("09", 0.12), ("07", 0.05), ("15", 0.03),
           ("43", 0.01), ("40", 0.02)],
    "19": [("01", 0.66), ("02", 0.17), ("07", 0.06), ("09", 0.04), ("18", 0.03), ("15", 0.02),
           ("08", 0.015), ("04", 0.005)],
    "20": [("07", 0.41), ("02", 0.35), ("01", 0.16), ("09", 0.04), ("15", 0.02), ("08", 0.02)],
    "25": [("01", 0.78), ("06", 0.20), ("02", 0.01), ("03", 0.005), ("09", 0.005)],
    "22": [("01", 0.88), ("09", 0.05), ("02", 0.03), ("18", 0.02), ("15", 0.01), ("04", 0.01)],
    "38": [("01", 0.83), ("06", 0.09), ("03", 0.06), ("08", 0.01), ("29", 0.01)],
    "40": [("01", 0.85), ("03", 0.10), ("29", 0.02), ("08", 0.02), ("06", 0.01)],
    "42": [("01", 0.995), ("44", 0.002), ("37", 0.003)],
    "44": [("01", 0.94), ("23", 0.05), ("31", 0.01)],
    "46": [("01", 0.96), ("31", 0.02), ("26", 0.02)],
    "51": [("01", 0.80), ("14", 0.08), ("19", 0.06), ("13", 0.05), ("26", 0.01)],
    "56": [("01", 0.88), ("21", 0.05), ("17", 0.04), ("16", 0.02), ("04", 0.01)],
    "66": [("01", 0.76), ("12", 0.13), ("07", 0.03), ("02", 0.03), ("20", 0.02), ("10", 0.01),
           ("08", 0.01), ("06", 0.01)],
    "68": [("01", 0.85), ("16", 0.07), ("20", 0.02), ("28", 0.01), ("17", 0.01), ("21", 0.01),
           ("02", 0.015), ("07", 0.015)],
    "79": [("01", 0.93), ("04", 0.05), ("05", 0.01), ("17", 0.005), ("07", 0.005)],
    "86": [("01", 0.89), ("05", 0.10), ("04", 0.01)],
    "91": [("01", 0.90), ("05", 0.08), ("04", 0.015), ("17", 0.005)],
    "92": [("01", 0.86), ("05", 0.12), ("04", 0.02)],
    "96": [("01", 0.95), ("05", 0.04), ("04", 0.01)],
}
REGIONS = {
    "northwest": ("11", "12", "14", "15"),
    "northeast": ("04", "08", "19", "20"),
    "delta": ("01", "22", "24", "25", "31", "33", "37"),
    "north_central": ("38", "40", "42"),
    "central_coast": ("44", "46", "48", "51", "56"),
    "highlands": ("52", "66", "68"),
    "south": ("75", "79", "80", "82", "86", "91", "92", "96"),
}
# region: household sizes (drawn uniformly), poor and near-poor shares, village word
REGION_LIFE = {
    "northwest": ([2, 3, 4, 4, 5, 5, 5, 6, 6, 7], 0.18, 0.09, "Bản"),
    "northeast": ([2, 3, 3, 4, 4, 5, 5, 6], 0.07, 0.06, "Thôn"),
    "delta": ([1, 2, 3, 3, 4, 4, 4, 5, 6], 0.015, 0.025, "Thôn"),
    "north_central": ([1, 2, 3, 4, 4, 4, 5, 5, 6], 0.04, 0.05, "Xóm"),
    "central_coast": ([1, 2, 3, 3, 4, 4, 5, 5, 6], 0.03, 0.04, "Thôn"),
    "highlands": ([2, 3, 4, 4, 5, 5, 6, 6], 0.07, 0.06, "Buôn"),
    "south": ([1, 2, 3, 3, 4, 4, 5, 6], 0.01, 0.02, "Ấp"),
}
# (QCVN 109 religion code, share) of people who follow one; the rest "00"
RELIGIONS = {
    "delta": [("02", 0.05), ("01", 0.03)], "north_central": [("02", 0.06), ("01", 0.02)],
    "central_coast": [("01", 0.10), ("02", 0.04)], "highlands": [("02", 0.10), ("08", 0.08)],
    "south": [("01", 0.12), ("02", 0.06), ("05", 0.02)],
    "northeast": [("01", 0.02), ("08", 0.01)], "northwest": [("08", 0.03)],
}
PROVINCE_RELIGIONS = {"37": [("02", 0.15)], "75": [("02", 0.30), ("01", 0.10)],
                      "80": [("05", 0.12), ("01", 0.10)], "91": [("03", 0.20), ("01", 0.10)]}
# code: (population in thousands, ≈ 2024; main rivers)
FACTS = {
    "01": (8_700, ["Sông Hồng", "Sông Đuống", "Sông Đáy", "Sông Nhuệ"]),
    "04": (573, ["Sông Bằng", "Sông Gâm", "Sông Quây Sơn"]),
    "08": (1_866, ["Sông Lô", "Sông Gâm", "Sông Phó Đáy", "Sông Miện"]),
    "11": (646, ["Sông Đà", "Sông Nậm Rốm", "Sông Nậm Mức"]),
    "12": (512, ["Sông Đà", "Nậm Na", "Nậm Mu", "Nậm Lụm"]),
    "14": (1_300, ["Sông Đà", "Sông Mã", "Suối Nậm La"]),
    "15": (1_778, ["Sông Hồng", "Sông Chảy", "Ngòi Thia"]),
    "19": (1_800, ["Sông Cầu", "Sông Công", "Sông Năng", "Sông Đu"]),
    "20": (882, ["Sông Kỳ Cùng", "Sông Thương", "Sông Bắc Giang"]),
    "22": (1_430, ["Sông Bạch Đằng", "Sông Ka Long", "Sông Diễn Vọng"]),
    "24": (3_620, ["Sông Cầu", "Sông Thương", "Sông Đuống", "Sông Lục Nam"]),
    "25": (4_020, ["Sông Hồng", "Sông Lô", "Sông Đà", "Sông Bứa"]),
    "31": (4_660, ["Sông Cấm", "Sông Thái Bình", "Sông Văn Úc", "Sông Kinh Thầy"]),
    "33": (3_560, ["Sông Hồng", "Sông Luộc", "Sông Trà Lý", "Sông Hóa"]),
    "37": (4_410, ["Sông Đáy", "Sông Hoàng Long", "Sông Hồng", "Sông Ninh Cơ"]),
    "38": (4_300, ["Sông Mã", "Sông Chu", "Sông Yên", "Sông Bưởi"]),
    "40": (3_830, ["Sông Lam", "Sông Hiếu", "Sông Con"]),
    "42": (1_620, ["Sông La", "Sông Ngàn Phố", "Sông Ngàn Sâu", "Sông Rào Cái"]),
    "44": (1_870, ["Sông Thạch Hãn", "Sông Gianh", "Sông Bến Hải", "Sông Nhật Lệ"]),
    "46": (1_430, ["Sông Hương", "Sông Bồ", "Sông Ô Lâu"]),
    "48": (3_070, ["Sông Hàn", "Sông Thu Bồn", "Sông Vu Gia", "Sông Tam Kỳ"]),
    "51": (2_160, ["Sông Trà Khúc", "Sông Vệ", "Sông Đăk Bla", "Sông Pô Kô"]),
    "52": (3_580, ["Sông Ba", "Sông Kôn", "Sông Sê San", "Sông Hà Thanh"]),
    "56": (2_240, ["Sông Cái Nha Trang", "Sông Dinh", "Sông Cái Phan Rang"]),
    "66": (3_350, ["Sông Sêrêpốk", "Sông Đà Rằng", "Sông Krông Ana"]),
    "68": (3_870, ["Sông Đồng Nai", "Sông Lũy", "Sông Cà Ty", "Sông Đạ Đờng"]),
    "75": (4_490, ["Sông Đồng Nai", "Sông Bé", "Sông La Ngà"]),
    "79": (14_000, ["Sông Sài Gòn", "Sông Đồng Nai", "Sông Thị Vải", "Sông Dinh"]),
    "80": (3_250, ["Sông Vàm Cỏ Đông", "Sông Vàm Cỏ Tây", "Sông Sài Gòn"]),
    "82": (4_370, ["Sông Tiền", "Sông Sở Thượng", "Sông Mỹ Tho"]),
    "86": (4_260, ["Sông Cổ Chiên", "Sông Hàm Luông", "Sông Tiền", "Sông Hậu"]),
    "91": (4_950, ["Sông Hậu", "Sông Tiền", "Sông Cái Lớn"]),
    "92": (4_200, ["Sông Hậu", "Sông Cần Thơ", "Sông Mỹ Thanh"]),
    "96": (2_610, ["Sông Gành Hào", "Sông Ông Đốc", "Sông Bảy Háp"]),
}
# the two demos as they were: their figures are kept as they are
FIXED = {
    "12": {"population": 512_000, "households": 108_000, "poor": 0.195, "near_poor": 0.093,
           "sensors": 300, "religions": [("02", 0.01)],
           "ethnic_mix": [("03", 0.32), ("08", 0.24), ("09", 0.13), ("01", 0.14), ("25", 0.05),
                          ("35", 0.03), ("41", 0.02), ("42", 0.015), ("29", 0.015),
                          ("45", 0.01), ("48", 0.01), ("50", 0.01)], "volumes": {
               "enterprises": 6, "feedback": 400, "finance": 1.0, "indicators": 1.0,
               "permits": 150}, "water_base": (150, 450)},
    "33": {"population": 3_560_000, "households": 1_000_000, "poor": 0.012, "near_poor": 0.021,
           "sensors": 1000, "religions": [("02", 0.08)],
           "ethnic_mix": [("01", 0.994), ("02", 0.002), ("06", 0.002), ("07", 0.001),
                          ("04", 0.001)], "volumes": {
               "enterprises": 45, "feedback": 2500, "finance": 3.5, "indicators": 6.5,
               "permits": 1200}, "water_base": (150, 600)},
}


def region_of(code: str) -> str:
    return next(region for region, codes in REGIONS.items() if code in codes)


def profile(code: str) -> dict:
    """Everything the demo generator varies by province, for the province ``code``."""
    province = provinces()[code]
    region = region_of(code)
    sizes, poor, near_poor, village = REGION_LIFE[region]
    people, rivers = FACTS[code]
    size = people / 512  # against Lai Châu, the smallest demo
    mean = sum(sizes) / len(sizes)
    out = {
        "code": code, "name": province.name, "region": region,
        "population": people * 1000, "households": round(people * 1000 / mean),
        "birth_codes": [f"0{c}" for c in province.merged_from_codes],
        "vn2000": province.vn2000_crs, "poor": poor, "near_poor": near_poor,
        "sensors": max(300, min(1500, round(people * 0.28))),
        "ethnic_mix": PROVINCE_MIX.get(code) or REGION_MIX[region],
        "household_sizes": sizes, "village": village, "rivers": rivers,
        "religions": PROVINCE_RELIGIONS.get(code) or RELIGIONS[region],
        "mong_protestant": 0.3,  # a Mông person follows Tin Lành with this chance
        "volumes": {"enterprises": round(6 * size), "feedback": round(400 * size),
                    "finance": max(1.0, size / 2), "indicators": size,
                    "permits": round(150 * size)},
        "water_base": (150, 450) if region in ("northwest", "northeast", "highlands")
        else (150, 600),
    }
    return {**out, **FIXED.get(code, {})}
