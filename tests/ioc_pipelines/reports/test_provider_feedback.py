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
from ioc_pipelines.reports import rejection_files
from ioc_pipelines.reports.rejections import render_rejection_reports
from ioc_pipelines.settings import load_settings

LIST = ("Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát;Ghi chú nội bộ\n"
        "HO1200000001;03388;4;nghèo;2025;a\n"
        "HO1200000002;03386;3;cận nghèo;2025;b\n"  # Phường Quyết Thắng, retired in 2025
        "HO1200000003;99999;5;nghèo;2025;c\n")  # no such commune: rejected


def test_conversions_and_unread_columns_reach_the_provider(tmp_path, monkeypatch):
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
    sheet = book["Bản ghi bị từ chối"]
    [table] = sheet.tables.values()  # a real Excel table: filters over the header and records
    rows = [r for r in sheet.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r[0] == "Bản ghi số")
    header, rejected = rows[top], [r for r in rows[top + 1:] if any(r)]
    assert table.ref == f"A{top + 1}:{chr(64 + len(header))}{top + 2}"
    # the provider's own header names, in its order, only the columns it sent (the unread
    # "Ghi chú nội bộ" is told as a notice; no pipeline column such as household_id)
    assert header == ("Bản ghi số", "Lỗi", "Cách khắc phục", "Mã hộ", "Mã xã",
                      "Số nhân khẩu", "Phân loại hộ", "Năm rà soát", "Mã lỗi"), header
    assert rejected == [(3, rejected[0][1], rejected[0][2], "HO1200000003", "99999", 5,
                         "nghèo", 2025, "COMMUNE_UNKNOWN, HOUSEHOLD_SIZE_MISMATCH")]
    assert sheet.freeze_panes == f"B{top + 2}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # one page wide (the default width)
    # the provider and the source by their names, the date as a date
    title, about = rows[0][0], rows[1][0]
    assert title.endswith("Sở Nội vụ (SNV)") and about.startswith("Hộ gia đình, hộ nghèo"), about
    assert "05/11/2026" in about and "households" not in about
    reasons = {r[0]: r for r in book["Giải thích mã lỗi"].iter_rows(values_only=True)}
    assert {"COMMUNE_UNKNOWN", "COMMUNE_CONVERTED", "HOUSEHOLD_SIZE_MISMATCH"} <= set(reasons)
    assert reasons["COMMUNE_UNKNOWN"][1] in {"đúng", "đủ", "sạch", "sống"}
    kept_rows = [r for r in book["Đã nhận, có lưu ý"].iter_rows(values_only=True) if any(r)]
    text = " ".join(str(c) for r in kept_rows for c in r if c)
    assert "COMMUNE_CONVERTED" in text and "HO1200000002" in text and "Ghi chú nội bộ" in text
    html = (report.local_dir / f"{name}.html").read_text(encoding="utf-8")
    assert 'id="kept"' in html and "COMMUNE_CONVERTED" in html and "Ghi chú nội bộ" in html
    assert "<th>Mã hộ</th>" in html and "household_id" not in html and "SNV</" not in html
    rejected_table = html[html.index('id="rejected"'):html.index('id="kept"')]
    assert rejected_table.count("<tr><td>") == 1  # the rejected table lists the rejected record
    csv_header = (report.local_dir / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert csv_header == "Bản ghi số,Lỗi,Cách khắc phục,Mã hộ,Mã xã,Số nhân khẩu,Phân loại hộ," \
                         "Năm rà soát,Mã lỗi"
    # a run with the same records renders nothing again: the files stand, the same reports
    # are returned; a file gone, or a record that changed, and that report is made again
    files = sorted(report.local_dir.glob(f"{name}.*"))
    made = {f: f.stat().st_mtime_ns for f in files}
    for f in files:
        f.write_bytes(f.read_bytes() + b" ")  # marked: rendering again would overwrite it
    assert render_rejection_reports(settings) == [report]
    assert all(f.read_bytes().endswith(b" ") for f in files)
    (report.local_dir / f"{name}.csv").unlink()
    assert render_rejection_reports(settings) == [report]
    assert all(not f.read_bytes().endswith(b" ") for f in files)
    assert all(f.stat().st_mtime_ns >= made[f] for f in files)
    for f in files:
        f.write_bytes(f.read_bytes() + b" ")
    from ioc_pipelines.resources.lakes import connect
    with connect(settings) as con:
        con.execute("UPDATE work.raw.households__households SET commune_code = '99998' "
                    "WHERE household_id = 'HO1200000003'")
    assert render_rejection_reports(settings) == [report]
    assert "99998" in (report.local_dir / f"{name}.csv").read_text(encoding="utf-8-sig")
    # the web page shows the first PAGE_ROWS records of a table and says where all of them are
    monkeypatch.setattr(rejection_files, "PAGE_ROWS", 1)
    (report.local_dir / f"{name}.html").unlink()
    assert render_rejection_reports(settings) == [report]
    html = (report.local_dir / f"{name}.html").read_text(encoding="utf-8")
    kept_table = html[html.index('id="kept"'):].split("</table>")[0]
    assert kept_table.count("<tr><td>") == 1 and 'id="more-rejected"' not in html
    more = html.split('id="more-kept">', 1)[1].split("</p>", 1)[0]
    assert "1 bản ghi đầu trong số\n  2" in more and f"{name}.xlsx" in more, more
    kept_sheet = load_workbook(report.local_dir / f"{name}.xlsx")["Đã nhận, có lưu ý"]
    assert sum(1 for r in kept_sheet.iter_rows(values_only=True) if r[0] and
               str(r[-1]).startswith(("COMMUNE", "HOUSEHOLD"))) == 2  # the workbook has both
