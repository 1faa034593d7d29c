"""Demo budget and public-investment deliveries of the Department of Finance."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from ioc_pipelines.demo.common import Truth, write_csv
from ioc_pipelines.demo.periodic import (
    delivery_day,
    months_before,
    next_month,
    vi_number,
    volume,
)
from ioc_pipelines.demo.xlsx import write_table_xlsx

BUDGET_ITEMS = [("T01", "Tổng thu ngân sách nhà nước trên địa bàn", "thu", 2400),
                ("T02", "Thu nội địa", "thu", 2000), ("T03", "Thu tiền sử dụng đất", "thu", 450),
                ("C01", "Tổng chi ngân sách địa phương", "chi", 9500),
                ("C02", "Chi đầu tư phát triển", "chi", 3000),
                ("C03", "Chi thường xuyên", "chi", 6000)]


def generate_finance(truth: Truth, as_of: date, months: int, seed: int, scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 31)
    big = province.info["volumes"]["finance"]
    communes = [c.code for c in province.communes]
    n_projects = volume(120 * big, scale, 15)
    projects = []
    for i in range(n_projects):
        plan = round(rng.uniform(5, 300) * big, 1)
        projects.append({"code": f"DA{province.code}-{i + 1:04d}",
                         "name": f"Dự án {rng.choice(['đường giao thông', 'trường học', 'trạm y tế', 'thủy lợi', 'cấp nước sinh hoạt', 'kè chống sạt lở'])} "
                                 f"{rng.choice(province.communes).name}",
                         "commune": rng.choice(communes), "plan": plan,
                         "pace": rng.uniform(0.35, 1.05), "key": rng.random() < 0.1})
    flip = itertools.cycle([True, False])
    project_kinds = itertools.cycle(["disbursed_exceeds_plan", "negative_value", "as_of_future"])
    for period in months_before(as_of, months):
        label = f"{period:%Y-%m}"
        pair = delivery_day(rng, period, 5, as_of)
        if pair is None:
            truth.miss("finance", "STC", label, next_month(period).replace(day=5))
            continue
        when, due = pair
        rows = []
        for code, name, direction, estimate in BUDGET_ITEMS:
            est = round(estimate * big, 1)
            actual = round(est * period.month / 12 * rng.uniform(0.85, 1.1), 1)
            rows.append([label, code, name, direction, est, actual, "tỷ đồng"])
        defects = []
        if next(flip):
            k = rng.randrange(len(rows))
            rows[k][5] = round(rows[k][5] * 1000, 1)
            defects.append((k + 1, "actual", "unit_mistake"))
        headers = ["Kỳ báo cáo", "Mã nội dung", "Nội dung", "Thu/Chi", "Dự toán năm",
                   "Thực hiện", "Đơn vị tính"]
        path = truth.deliver("finance", "STC", when, f"ngan_sach_{label}.xlsx",
                             lambda p, r=rows, h=headers, t=label: write_table_xlsx(
                                 p, h, r, title=[f"TÌNH HÌNH THU CHI NGÂN SÁCH {t}"]),
                             {"finance__budget": len(rows)}, due=due, period=label)
        for rn, field, kind in defects:
            truth.defect("finance", "finance__budget", path.name, rn, field, kind)
        month_end = next_month(period) - timedelta(days=1)
        prow, pdef = [], []
        for p in projects:
            share = min(1.0, p["pace"] * period.month / 12)
            prow.append([p["code"], p["name"], "Ban QLDA tỉnh", p["commune"], vi_number(p["plan"]),
                         vi_number(round(p["plan"] * share, 1)), "tỷ đồng",
                         month_end.strftime("%d/%m/%Y"), "x" if p["key"] else ""])
        for k in rng.sample(range(len(prow)), min(2, len(prow))):
            kind = next(project_kinds)
            if kind == "disbursed_exceeds_plan":
                prow[k][5] = vi_number(round(projects[k]["plan"] * 1.6, 1))
            elif kind == "negative_value":
                prow[k][5] = vi_number(-5.0)
            else:
                prow[k][7] = (as_of + timedelta(days=400)).strftime("%d/%m/%Y")
            pdef.append((k + 1, "as_of" if kind == "as_of_future" else "disbursed", kind))
        headers = ["Mã dự án", "Tên dự án", "Chủ đầu tư", "Mã xã", "Kế hoạch vốn năm",
                   "Lũy kế giải ngân", "Đơn vị tính", "Tính đến ngày", "Dự án trọng điểm"]
        path = truth.deliver("finance", "STC", when, f"giai_ngan_dau_tu_cong_{label}.csv",
                             lambda p, r=prow, h=headers: write_csv(p, h, r, sep=";"),
                             {"finance__projects": len(prow)}, due=due, period=label)
        for rn, field, kind in pdef:
            truth.defect("finance", "finance__projects", path.name, rn, field, kind)
    truth.counts["projects"] = n_projects
