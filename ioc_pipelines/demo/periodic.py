"""Demo periodic deliveries: departments' indicator reports, budget and public investment,
enterprise registrations, citizen feedback and construction permits, across M months —
with late and missing deliveries and defects recorded in the truth manifest."""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, datetime, timedelta

from ioc_pipelines.demo.common import Province, Truth, name_variant, read_csv, write_csv
from ioc_pipelines.demo.households import district_codes, pre_2025_codes
from ioc_pipelines.demo.xlsx import write_report_form, write_table_xlsx

# Departments that still type reports in a legacy font, and the one sending CSV in TCVN3.
LEGACY_XLSX = {"SNNMT": "tcvn3", "SCT": "vni"}
LEGACY_CSV = {"CA": "tcvn3"}
GROUPS = {"KT": "KINH TẾ", "XH": "VĂN HÓA - XÃ HỘI", "MT": "TÀI NGUYÊN - MÔI TRƯỜNG"}


def months_before(as_of: date, count: int) -> list[date]:
    """The ``count`` full months before ``as_of``'s month, oldest first (first days)."""
    out, cursor = [], as_of.replace(day=1)
    for _ in range(count):
        cursor = (cursor - timedelta(days=1)).replace(day=1)
        out.append(cursor)
    return out[::-1]


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def volume(full: float, scale: float, minimum: int) -> int:
    return max(minimum, round(full * scale))


def _delivery_day(rng: random.Random, period: date, deadline_day: int,
                  as_of: date) -> tuple[date, date] | None:
    """(delivered, due) for a period's report, None when it never came; most on time."""
    due = next_month(period).replace(day=deadline_day)
    roll = rng.random()
    if roll < 0.05:
        return None
    when = due - timedelta(days=rng.randint(0, 3)) if roll > 0.15 else \
        due + timedelta(days=rng.randint(2, 9))
    return (min(when, as_of), due) if when <= as_of or due <= as_of else None


# ---------------------------------------------------------------------------- indicators
def _base_value(row: dict, province: Province, rng: random.Random) -> float:
    big = 6.5 if province.code == "33" else 1.0
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
    catalogue = read_csv("indicators_catalogue.csv")
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
            due_pair = _delivery_day(rng, period, 5, as_of)
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
                body = [[r[0], r[1], r[2], label, _vi(r[3]), _vi(r[4]), _vi(r[5]), _vi(r[6])]
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
                                     _vi(round(base[r["code"]] / len(communes)
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


def _vi(value) -> str:
    """A number as Vietnamese departments type it: 1.234,5."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# ---------------------------------------------------------------------------- finance
BUDGET_ITEMS = [("T01", "Tổng thu ngân sách nhà nước trên địa bàn", "thu", 2400),
                ("T02", "Thu nội địa", "thu", 2000), ("T03", "Thu tiền sử dụng đất", "thu", 450),
                ("C01", "Tổng chi ngân sách địa phương", "chi", 9500),
                ("C02", "Chi đầu tư phát triển", "chi", 3000),
                ("C03", "Chi thường xuyên", "chi", 6000)]


def generate_finance(truth: Truth, as_of: date, months: int, seed: int, scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 31)
    big = 3.5 if province.code == "33" else 1.0
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
        pair = _delivery_day(rng, period, 5, as_of)
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
            prow.append([p["code"], p["name"], "Ban QLDA tỉnh", p["commune"], _vi(p["plan"]),
                         _vi(round(p["plan"] * share, 1)), "tỷ đồng",
                         month_end.strftime("%d/%m/%Y"), "x" if p["key"] else ""])
        for k in rng.sample(range(len(prow)), min(2, len(prow))):
            kind = next(project_kinds)
            if kind == "disbursed_exceeds_plan":
                prow[k][5] = _vi(round(projects[k]["plan"] * 1.6, 1))
            elif kind == "negative_value":
                prow[k][5] = _vi(-5.0)
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


# ---------------------------------------------------------------------------- enterprises
EVENT_TYPES = [("thành lập mới", 0.62), ("tạm ngừng kinh doanh", 0.2),
               ("hoạt động trở lại", 0.08), ("giải thể", 0.1)]


def generate_enterprises(truth: Truth, as_of: date, months: int, seed: int,
                         scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 41)
    per_week = volume(45 if province.code == "33" else 6, scale, 3)
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


# ---------------------------------------------------------------------------- feedback
CATEGORIES = ["Môi trường", "Giao thông", "Đất đai", "An ninh trật tự", "Y tế", "Giáo dục",
              "Điện, nước", "Thủ tục hành chính"]
CHANNELS = ["Ứng dụng IOC", "Tổng đài 1022", "Cổng thông tin", "Zalo", "Trực tiếp"]
UNITS = ["UBND xã", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Công an tỉnh", "Sở Y tế"]


def generate_feedback(truth: Truth, as_of: date, months: int, seed: int, scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 51)
    per_month = volume(2500 if province.code == "33" else 400, scale, 30)
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


# ---------------------------------------------------------------------------- land permits
PURPOSES = ["Nhà ở riêng lẻ", "Công trình thương mại, dịch vụ", "Công trình công nghiệp",
            "Công trình công cộng"]
LAND_USE = ["ONT", "ODT", "TMD", "SKC", "DGD"]


def generate_land_permits(truth: Truth, as_of: date, months: int, seed: int,
                          scale: float) -> None:
    province = truth.province
    rng = random.Random(seed + 61)
    per_month = volume(1200 if province.code == "33" else 150, scale, 8)
    communes = [c.code for c in province.communes]
    parcels, serial = [], 0
    permit_kinds = itertools.cycle(["issued_future", "area_negative", "commune_unknown",
                                    "permit_duplicate", "required_missing"])
    for period in months_before(as_of, months):
        label = f"{period:%Y-%m}"
        pair = _delivery_day(rng, period, 5, as_of)
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
