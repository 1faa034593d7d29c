"""Nothing is done to a provider's data without telling them: a household list with a retired
commune code (converted to its 2025 successor), a column no field takes and a rejected record
goes through the real ingest, raw load and dbt; the provider's feedback file lists the
rejected record, then the converted one and what the file held that was not read."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from ioc_pipelines.core import tools
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.ingest import ingest
from ioc_pipelines.core.raw import load_pending
from ioc_pipelines.reports.rejections import render_rejection_reports
from ioc_pipelines.settings import load_settings

LIST = ("Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát;Ghi chú nội bộ\n"
        "HO1200000001;03388;4;nghèo;2025;a\n"
        "HO1200000002;03386;3;cận nghèo;2025;b\n"  # Phường Quyết Thắng, retired in 2025
        "HO1200000003;99999;5;nghèo;2025;c\n")  # no such commune: rejected


def test_conversions_and_unread_columns_reach_the_provider(tmp_path):
    home = tmp_path / "ioc"
    settings = load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "none.env")})
    path = tmp_path / "SNV__ho_gia_dinh.csv"
    path.write_text(LIST, encoding="utf-8")
    [outcome] = ingest(settings, "households", [path], actor=Actor("test"),
                       delivery_date=date(2026, 11, 5))
    assert outcome.landed is not None, outcome.error
    assert [r.status for r in load_pending(settings, "households")] == ["loaded"]
    assert tools.dbt(settings, ["build", "--exclude-resource-type", "test", "--select",
                                "+feedback_records", "--quiet",
                                "--target-path", str(home / "target"),
                                "--log-path", str(home / "logs")]) == 0

    [report] = render_rejection_reports(settings)
    # kept with warnings: the converted one, and the one whose member count no member list
    # backs yet (no members delivered)
    assert (report.provider, report.records, report.kept) == ("SNV", 1, 2)
    assert any("Ghi chú nội bộ" in n and n.startswith(f"{path.name}: cột không được đọc")
               for n in report.notices), report.notices
    name = outcome.landed.delivery_id
    book = load_workbook(io.BytesIO((report.local_dir / f"{name}.xlsx").read_bytes()))
    rejected = [r for r in book["Bản ghi bị từ chối"].iter_rows(min_row=4, values_only=True)]
    assert [r[2] for r in rejected] == ["COMMUNE_UNKNOWN, HOUSEHOLD_SIZE_MISMATCH"]
    kept_rows = [r for r in book["Đã nhận, có lưu ý"].iter_rows(values_only=True) if any(r)]
    text = " ".join(str(c) for r in kept_rows for c in r if c)
    assert "COMMUNE_CONVERTED" in text and "HO1200000002" in text and "Ghi chú nội bộ" in text
    html = (report.local_dir / f"{name}.html").read_text(encoding="utf-8")
    assert 'id="kept"' in html and "COMMUNE_CONVERTED" in html and "Ghi chú nội bộ" in html
    assert html.count("<tr><td>") == 1  # the rejected table lists the rejected record only
