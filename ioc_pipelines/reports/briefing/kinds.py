"""The three kinds of briefing and the sections each is made of: the socio-economic briefing,
the IOC operations report, and the sector views (one sector for an area)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Section
from ioc_pipelines.reports.briefing.sections import (
    area,
    area_details,
    budget,
    deliveries,
    enterprises,
    environment,
    feedback,
    indicators,
    investment,
    population,
    quality_trend,
    releases,
)

REPORT_KINDS = ("briefing", "operations", "sector")
OPERATIONS_PERIODS = ("quarterly", "half-year", "annual")
FILE_STEMS = {"briefing": "bao-cao-kinh-te-xa-hoi", "operations": "bao-cao-van-hanh-ioc"}
TITLES = {"briefing": "Báo cáo tình hình kinh tế – xã hội",
          "operations": "Báo cáo vận hành Trung tâm điều hành thông minh (IOC)",
          "sector": "Báo cáo chuyên đề lĩnh vực"}


@dataclass(frozen=True)
class Sector:
    key: str
    name_vi: str
    indicators: tuple[str, ...]  # indicator codes of the sector (province-wide)
    feedback: tuple[str, ...]  # feedback categories
    extras: tuple[str, ...]  # detail sections for the area (EXTRAS)


SECTORS = {s.key: s for s in [
    Sector("health", "Y tế", ("XH-16-01", "XH-16-02", "XH-16-03", "XH-01-02"), ("Y tế",),
           ("population", "births")),
    Sector("education", "Giáo dục", ("XH-15-01", "XH-15-02", "XH-02-02"), ("Giáo dục",),
           ("population", "schools")),
    Sector("transport", "Giao thông", ("XH-19-01", "XH-19-02", "KT-04-01", "KT-04-02"),
           ("Giao thông",), ("investment",)),
    Sector("environment", "Môi trường", ("MT-20-01", "MT-20-02", "MT-20-03", "KT-08-03",
                                         "KT-08-04"), ("Môi trường",), ("environment",)),
    Sector("public_order", "An ninh, trật tự", ("XH-19-01", "XH-19-02", "XH-19-03"),
           ("An ninh trật tự",), ("population",)),
    Sector("social_welfare", "An sinh xã hội", ("XH-18-01", "XH-18-02", "XH-18-03",
                                                "XH-02-01"), ("Đất đai", "Điện, nước"),
           ("poverty", "beneficiaries", "housing")),
]}

EXTRAS: dict[str, Callable[[Context], Section]] = {
    "population": area_details.age_structure, "births": area_details.births,
    "schools": area_details.schools,
    "investment": lambda ctx: investment.section(ctx, "Dự án đầu tư công trên địa bàn"),
    "environment": environment.section, "poverty": population.section,
    "beneficiaries": area_details.beneficiaries, "housing": area_details.housing,
}


def sections_of(kind: str, ctx: Context, sector: Sector | None) -> list[Section]:
    """The report's sections in order (the data-quality section is added after them)."""
    if kind == "briefing":
        return [indicators.section(ctx), budget.section(ctx), investment.section(ctx),
                enterprises.section(ctx), population.section(ctx), feedback.section(ctx),
                environment.section(ctx)]
    if kind == "operations":
        return [deliveries.sources_section(ctx), deliveries.on_time_section(ctx),
                releases.section(ctx), quality_trend.section(ctx)]
    return [area.section(ctx),
            indicators.section(ctx, sector.indicators,
                               f"Chỉ tiêu ngành {sector.name_vi.lower()} (toàn tỉnh)"),
            feedback.section(ctx, sector.feedback),
            *(EXTRAS[e](ctx) for e in sector.extras)]
