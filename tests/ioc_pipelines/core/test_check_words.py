"""A failed warn-level check said in words from the measurements in a real work lake: what is
wrong and whose it is, never the check's key; a check without its own wording by its table."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ioc_pipelines.core import check_words, state
from ioc_pipelines.resources.lakes import connect, init_lakes
from ioc_pipelines.settings import load_settings

KEYS = ["quality/delivery_completeness:complete_indicators",
        "quality/delivery_completeness:filled_land_permits",
        "quality/source_freshness:fresh_iot",
        "quality/delivery_completeness:delivered_planning",
        "marts/budget_by_period:gx_budget_by_period"]


def test_warnings_in_words(ioc_home):
    settings = load_settings()
    init_lakes(settings)
    with connect(settings) as con:
        state.ensure(con)
        assert set(check_words.explain(settings, con, KEYS)) == set(KEYS)  # nothing measured
        state.replace_measurements(con, {
            "delivery_completeness": pd.DataFrame([
                {"source": "indicators", "provider": "SYT", "period": "2026-09",
                 "due_date": date(2026, 10, 5), "first_delivery_date": None,
                 "status": "missing"},
                {"source": "indicators", "provider": "STC", "period": "2026-09",
                 "due_date": date(2026, 10, 5), "first_delivery_date": date(2026, 10, 3),
                 "status": "on_time"}]),
            "field_fill_rate": pd.DataFrame([
                {"source": "land_permits", "provider": "SXD", "file_name": "gp.xlsx",
                 "delivery_id": "d1", "field": "permit_number", "records": 9, "filled": 8,
                 "fill_rate": 8 / 9},
                {"source": "land_permits", "provider": "SXD", "file_name": "gp2.xlsx",
                 "delivery_id": "d2", "field": "permit_number", "records": 9, "filled": 7,
                 "fill_rate": 7 / 9}]),
            "source_freshness": pd.DataFrame([
                {"source": "iot", "sla_hours": 0.5, "delivery_age_hours": 3.0,
                 "data_age_hours": 50.0, "is_stale": True}]),
        })
        # the second file's header was recorded when it was loaded: it is named so
        state.record_columns(con, "d2", "gp2.xlsx", {"land_permits__permits": (
            ("Số GP xây dựng", "permit_number"),)})
        said = check_words.explain(settings, con, KEYS)
    assert said[KEYS[0]] == ("Báo cáo chỉ tiêu kinh tế - xã hội: Sở Y tế (SYT) chưa nộp kỳ "
                             "09/2026 (hạn 05/10/2026).")
    assert "tệp gp.xlsx của Sở Xây dựng (SXD) chỉ điền 88,9%" in said[KEYS[1]]
    assert said[KEYS[1]].startswith("Giấy phép xây dựng và thửa đất địa chính: cột “Số GP xây "
                                    "dựng” trong tệp gp2.xlsx")
    assert "cột “so_giay_phep” trong tệp gp.xlsx" in said[KEYS[1]]  # no header recorded
    assert said[KEYS[2]].startswith("Cảm biến IoT") and "đã cũ 2,1 ngày" in said[KEYS[2]]
    assert "Sở Nông nghiệp và Môi trường (SNNMT)" in said[KEYS[2]]
    assert "chưa từng giao dữ liệu" in said[KEYS[3]]
    assert said[KEYS[4]].startswith("Một kiểm tra chất lượng mức cảnh báo trên bảng "
                                    "budget_by_period")
    for key, sentence in said.items():
        check = key.rpartition(":")[2]
        assert check not in sentence and "quality/" not in sentence, sentence
    # a run's own wording of a failed check is understood too
    assert check_words.generic("check fresh_iot on quality/source_freshness failed") == \
        check_words.generic("quality/source_freshness:fresh_iot")
