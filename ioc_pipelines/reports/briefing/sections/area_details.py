"""The sector view's detail sections for an area: age structure, births, school intake,
policy beneficiaries, houses needing support."""

from __future__ import annotations

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, month_vi, num, text

POVERTY_STATUS_VI = {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo",
                     "none": "không thuộc diện"}


def age_structure(ctx: Context) -> Section:
    s = Section("co-cau-dan-so", "Cơ cấu dân số theo độ tuổi của địa bàn",
                ["population_by_commune_sex_age"], ["population"])
    s.tables.append(Table("Dân số theo nhóm tuổi", [
        ("Nhóm tuổi", False), ("Nam", True), ("Nữ", True), ("Tổng", True)],
        [[text(r["age_band"]), num(r["male"]), num(r["female"]),
          num(r["total"], f"popage:{r['age_band']}")] for r in ctx.query("population_by_age")]))
    return s


def births(ctx: Context) -> Section:
    s = Section("sinh", "Trẻ sinh ra trong kỳ", ["births_by_commune_month"], ["population"])
    rows = ctx.query("births", months=ctx.period.months)
    s.cards = [Card("Trẻ sinh ra", num(sum(r["births"] for r in rows), "births:total"))]
    s.tables.append(Table("Theo tháng", [("Tháng", False), ("Số trẻ", True)],
                          [[text(month_vi(r["month"])), num(r["births"])] for r in rows]))
    return s


def schools(ctx: Context) -> Section:
    s = Section("tuyen-sinh", "Dự báo tuyển sinh đầu cấp theo dân số", ["school_age_cohorts"],
                ["population"])
    s.tables.append(Table("Số trẻ vào đầu cấp theo năm học", [
        ("Năm học", False), ("Cấp", False), ("Số trẻ", True)],
        [[text(r["school_year"]), text(r["level_name"]),
          num(r["children"], f"school:{r['school_year']}:{r['level_name']}")]
         for r in ctx.query("school_cohorts")]))
    return s


def beneficiaries(ctx: Context) -> Section:
    s = Section("doi-tuong-chinh-sach", "Đối tượng chính sách",
                ["policy_beneficiaries_by_commune"], ["households"])
    s.tables.append(Table("Theo nhóm chính sách", [
        ("Nhóm", False), ("Số hộ", True), ("Nhân khẩu", True), ("Hộ nghèo", True)],
        [[text(r["policy_group"]), num(r["households"], f"policy:{r['policy_group']}:households"),
          num(r["members"]), num(r["poor"])] for r in ctx.query("beneficiaries")]))
    return s


def housing(ctx: Context) -> Section:
    s = Section("ho-tro-nha-o", "Nhà ở cần hỗ trợ (nhà tạm, dột nát)", ["housing_support_map"],
                ["housing", "households"])
    rows = ctx.query("housing_support")
    s.cards = [Card("Nhà cần hỗ trợ trong địa bàn", num(sum(r["houses"] for r in rows),
                                                       "housing:total"))]
    s.tables.append(Table("Theo loại nhà và diện hộ", [
        ("Loại nhà", False), ("Diện hộ", False), ("Số nhà", True)],
        [[text(r["structure_type"]),
          text(POVERTY_STATUS_VI.get(r["poverty_status"], r["poverty_status"])),
          num(r["houses"])] for r in rows]))
    s.notes.append("Vị trí nhà được làm tròn theo ô lưới (không công bố tọa độ chính xác).")
    return s
