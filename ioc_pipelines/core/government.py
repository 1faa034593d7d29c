"""The province's socio-economic indicators for the Government's reporting system: one data
packet per period and release — a header (who sends what to whom, when, under which standard)
and a body (the reporting period and every indicator: actual, cumulative, plan, the same
period last year, unit, commune where the figure is a commune's) — laid out after the packet
structure of QCVN 125:2021/BTTTT (docs/sharing.md says which fields follow it and which are
this project's assumptions). The figures are the published mart ``indicators_vs_plan`` as it
is in the release, only filtered to the period; the same release and period give the same
bytes. Stored on the object store under ``reports/government/<period>/release-<N>/``."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.core import datasets
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.publishing import Release, release_table
from ioc_pipelines.reports.periods import Period, PeriodError, parse_period
from ioc_pipelines.reports.rendering import province_title
from ioc_pipelines.settings import Settings

STANDARD = "QCVN 125:2021/BTTTT"
PACKET_VERSION = "1.0"
MART = "indicators_vs_plan"
RECEIVER = {"ma": "HTTTBCCP", "ten": "Hệ thống thông tin báo cáo Chính phủ"}
_NAMESPACE = uuid.UUID("0d6f4f7e-3c55-4b8e-a1f5-7a2e4f2d9c11")
# mart column -> packet field (the body's indicator record)
FIELDS = {"indicator_code": "ma_chi_tieu", "indicator_name": "ten_chi_tieu",
          "unit": "don_vi_tinh", "period": "ky_so_lieu", "actual": "thuc_hien",
          "cumulative": "luy_ke", "plan_target": "ke_hoach",
          "same_period_last_year": "cung_ky_nam_truoc",
          "growth_vs_last_year_pct": "tang_truong_so_cung_ky_pct",
          "provider_code": "don_vi_bao_cao", "is_not_met": "chua_dat"}


@dataclass(frozen=True)
class GovernmentPacket:
    period: str
    release_id: int
    indicators: int
    key: str  # object key on the published bucket
    path: Path  # local copy under $IOC_HOME/reports
    packet: dict


def _rows(settings: Settings, period: Period, release: Release) -> list[dict]:
    codes = [*period.months, period.code]
    present = {c.name for c in datasets.columns(settings, datasets.dataset(MART), release)}
    chosen = [c for c in FIELDS if c in present]
    commune = "commune_code" if "commune_code" in present else "NULL::VARCHAR"
    with datasets.published(settings) as con:
        rel = con.execute(
            f"SELECT {', '.join(chosen)}, {commune} AS commune_code "
            f"FROM {release_table(MART, release.id)} WHERE period IN "
            f"({', '.join('?' for _ in codes)}) ORDER BY indicator_code, period", codes)
        names = [d[0] for d in rel.description]
        return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def packet(settings: Settings, period: Period, release_id: int | None = None) -> dict:
    """The data packet of ``period`` from a release (the current one by default)."""
    release = datasets.release_for(settings, release_id)
    datasets.in_release(datasets.dataset(MART), release)
    province = province_title(settings)  # tỉnh …, thành phố …
    records = []
    for row in _rows(settings, period, release):
        record = {FIELDS[k]: v for k, v in row.items() if k in FIELDS}
        record["ma_xa"] = row["commune_code"]  # None: a figure of the whole province
        records.append(record)
    packet_id = uuid.uuid5(_NAMESPACE, f"{settings.province_code}|{period.code}|{release.id}")
    return {
        "header": {
            "ma_goi_tin": str(packet_id),
            "tieu_chuan": STANDARD,
            "phien_ban": PACKET_VERSION,
            "loai_goi_tin": "BAO_CAO_CHI_TIEU_KT_XH",
            "don_vi_gui": {"ma": settings.province_code, "ten": f"UBND {province}"},
            "don_vi_nhan": RECEIVER,
            "thoi_gian_tao": release.published_at.isoformat(timespec="seconds"),
        },
        "body": {
            "ky_bao_cao": {"loai": period.kind, "ma": period.code, "ten": period.name_vi,
                           "tu_ngay": period.start.isoformat(),
                           "den_ngay": period.end.isoformat()},
            "ban_phat_hanh": release.id,
            "nguon": f"kho dữ liệu dùng chung {province}, bảng {MART}",
            "so_chi_tieu": len(records),
            "chi_tieu": records,
        },
    }


def make_packet(settings: Settings, period: Period | str,
                release_id: int | None = None) -> GovernmentPacket:
    """Build, store (object store + $IOC_HOME/reports) and return the packet of ``period``
    (a Period, or its code: 2026-10, 2026-Q3 …)."""
    from ioc_pipelines.resources.object_store import object_store

    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError as exc:
            raise CoreError(str(exc)) from exc
    body = packet(settings, period, release_id)
    release = body["body"]["ban_phat_hanh"]
    key = f"reports/government/{period.folder}/release-{release}/goi-tin-chi-tieu-kt-xh.json"
    data = (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False, default=str)
            + "\n").encode("utf-8")
    local = settings.reports_dir / key.removeprefix("reports/")
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_bytes(data)
    object_store(settings).put_bytes(settings.published_bucket, key, data)
    return GovernmentPacket(period.code, release, body["body"]["so_chi_tieu"], key, local, body)
