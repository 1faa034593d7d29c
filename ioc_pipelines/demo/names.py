"""Plausible Vietnamese names for the demo registry, by ethnic group: family names, middle
names and given names of the Kinh, Thái, Mông, Dao, Tày-Nùng, Khmer, Chăm and the peoples of
the Central Highlands (each province's ethnic mix: demo/regions.py)."""

from __future__ import annotations

import random

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
NAMES.update({
    "tay": (["Hoàng", "Nông", "Lương", "Ma", "Lộc", "Hà", "Bế", "Triệu", "Chu", "Đàm", "Lăng"],
            ["Văn", "Đình"], ["Thị"],
            ["Hùng", "Thắng", "Tâm", "Dương", "Khánh", "Toàn", "Lực", "Cường"],
            ["Hoa", "Hằng", "Nhung", "Thơm", "Liên", "Mai", "Hiền"]),
    "khmer": (["Thạch", "Danh", "Sơn", "Kim", "Lâm", "Chau", "Huỳnh"],
              ["Sóc", "Ra", "Văn"], ["Thị"],
              ["Phon", "Sang", "Rinh", "Khanh", "Bol", "Vuthy", "Sa Rết"],
              ["Sa Rươl", "Sô Phia", "Mây", "Chanh Na", "Ry Na", "Sa Ly"]),
    "cham": (["Đàng", "Thành", "Quảng", "Lưu", "Từ", "Thuận"], ["Văn"], ["Thị"],
             ["Thái", "Sang", "Phú", "Tài", "Hòa"], ["Hoa", "Hương", "Liên", "Ngọc"]),
    # the Central Highlands: "Y <given> <family>" for a man, "H'<given> <family>" for a woman
    "highland": (["Niê", "Ksor", "Rơ Châm", "Siu", "Kpă", "Mlô", "Êban", "Byă", "Adrơng", "Rah Lan"],
                 ["Y"], ["H'"],
                 ["Bhin", "Blô", "Thuôn", "Khoa", "Djôn", "Ngông", "Bri"],
                 ["Hen", "Lim", "Ngơm", "Yâo", "Juê", "Bia"]),
})
NAME_GROUP = {"01": "kinh", "02": "tay", "03": "thai", "04": "kinh", "06": "kinh", "07": "tay",
              "08": "mong", "09": "dao", "25": "thai", "29": "thai", "35": "mong", "41": "mong",
              "42": "thai", "45": "dao", "48": "thai", "50": "mong", "05": "khmer", "17": "cham",
              "15": "tay", "18": "tay", "10": "highland", "12": "highland", "13": "highland",
              "14": "highland", "16": "highland", "19": "highland", "20": "highland",
              "21": "highland", "26": "highland", "23": "highland", "28": "highland",
              "31": "highland", "34": "thai", "37": "thai", "43": "mong", "40": "mong",
              "44": "kinh", "24": "kinh"}


def person_name(rng: random.Random, ethnicity: str, sex: int) -> str:
    group = NAME_GROUP.get(ethnicity, "kinh")
    family, middle_m, middle_f, given_m, given_f = NAMES[group]
    middle = rng.choice(middle_m if sex == 1 else middle_f)
    given = rng.choice(given_m if sex == 1 else given_f)
    if group == "highland":
        return f"{middle} {given} {rng.choice(family)}" if sex == 1 else \
            f"{middle}{given} {rng.choice(family)}"
    return f"{rng.choice(family)} {middle} {given}"
