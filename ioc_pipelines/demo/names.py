"""Plausible Vietnamese names for the demo registry, by ethnic group: family names, middle
names and given names of the Kinh, Thái, Mông and Dao, and each province's ethnic mix."""

from __future__ import annotations

import random

# (QĐ 121 ethnicity code, share) — Lai Châu after the 2019 census; Hưng Yên mostly Kinh.
ETHNIC_MIX = {
    "12": [("03", 0.32), ("08", 0.24), ("09", 0.13), ("01", 0.14), ("25", 0.05), ("35", 0.03),
           ("41", 0.02), ("42", 0.015), ("29", 0.015), ("45", 0.01), ("48", 0.01), ("50", 0.01)],
    "33": [("01", 0.994), ("02", 0.002), ("06", 0.002), ("07", 0.001), ("04", 0.001)],
}

NAMES = {
    "kinh": (["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương",
              "Lý", "Hồ", "Đinh", "Trịnh"],
             ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công"], ["Thị", "Thu", "Ngọc", "Thanh", "Thùy"],
             ["Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Quân", "Khoa", "Thắng", "Huy"],
             ["Hương", "Lan", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hà", "Thủy", "Yến"]),
    "thai": (["Lò", "Tòng", "Lường", "Cầm", "Quàng", "Điêu", "Lù", "Vì", "Hoàng", "Lê"],
             ["Văn"], ["Thị"],
             ["Pấng", "Xuân", "Thoại", "Inh", "Panh", "Chăn", "Khiêm", "Ún", "Hặc"],
             ["Ỏn", "Sương", "Ương", "Piếng", "Xiêng", "Tiên", "Hom", "Bun"]),
    "mong": (["Giàng", "Sùng", "Vàng", "Thào", "Lầu", "Lý", "Mùa", "Hạng", "Chảo"],
             ["A", "Seo", "Mí", "Páo"], ["Thị", "Mỷ"],
             ["Pó", "Dơ", "Chứ", "Sính", "Sua", "Pà", "Dế", "Tủa", "Phừ"],
             ["Mỷ", "Dua", "Chở", "Mai", "Xúa", "Pà", "Sung"]),
    "dao": (["Tẩn", "Chảo", "Lý", "Phàn", "Đặng", "Triệu"],
            ["Láo", "Phù", "Văn", "Kháy"], ["Thị", "Mẩy", "Sử"],
            ["Sài", "Chiêu", "Lở", "Phin", "Quẩy", "Dùn"],
            ["Mẩy", "Kiều", "Chạn", "Muôn", "Xiêm"]),
}
NAME_GROUP = {"01": "kinh", "02": "thai", "03": "thai", "04": "kinh", "06": "kinh", "07": "thai",
              "08": "mong", "09": "dao", "25": "thai", "29": "thai", "35": "mong", "41": "mong",
              "42": "thai", "45": "dao", "48": "thai", "50": "mong"}


def person_name(rng: random.Random, ethnicity: str, sex: int) -> str:
    family, middle_m, middle_f, given_m, given_f = NAMES[NAME_GROUP.get(ethnicity, "kinh")]
    middle = rng.choice(middle_m if sex == 1 else middle_f)
    given = rng.choice(given_m if sex == 1 else given_f)
    return f"{rng.choice(family)} {middle} {given}"
