"""Two people with one citizen ID: when exactly one of them is consistent with the ID (century
and sex digit, birth year), that one owns it — kept, with a warning — and the other is
quarantined; when both or neither are, both are quarantined. Through the real ingest, raw load
and dbt on a real work lake."""

from __future__ import annotations

import pytest

from ioc_pipelines.resources.lakes import connect
from tests.dbt_project.lake import build, deliver, home_settings, load

HEADER = "Số định danh;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Tôn giáo;Mã xã;Mã hộ\n"
PEOPLE = [
    # the owner: male born 1985 (digit 0 = 1900s male, year 85) …
    ("012085001234", "Lò Văn Pấng", "05/03/1985", "Nam"),
    # … and a woman born 1990 carrying his ID by mistake
    ("012085001234", "Lò Thị Mai", "10/10/1990", "Nữ"),
    # both consistent: no way to tell who owns it
    ("012090004321", "Giàng A Páo", "01/01/1990", "Nam"),
    ("012090004321", "Giàng A Dơ", "02/02/1990", "Nam"),
    # neither consistent
    ("012080007777", "Vàng Thị Sua", "01/01/1970", "Nữ"),
    ("012080007777", "Vàng Thị Chư", "01/01/1975", "Nữ"),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    home = tmp_path_factory.mktemp("duplicates")
    settings = home_settings(home)
    path = home / "CA_TINH__dan_cu_12.csv"
    path.write_text(HEADER + "".join(f"{cid};{name};{born};{sex};03;00;03388;HO1200000001\n"
                                     for cid, name, born, sex in PEOPLE), encoding="utf-8")
    deliver(settings, "population", path)
    load(settings, "population")
    assert build(settings, "+int_citizens_rule_checked") == 0
    with connect(settings) as con:
        rows = con.execute("SELECT full_name, reason_codes, warning_codes "
                           "FROM work.validated.int_citizens_rule_checked").fetchall()
    return {name: (sorted(reasons), sorted(warnings)) for name, reasons, warnings in rows}


def test_the_one_consistent_with_the_id_owns_it(checked):
    assert checked["Lò Văn Pấng"] == ([], ["CCCD_DUPLICATE_KEPT"])
    reasons, _ = checked["Lò Thị Mai"]
    assert "CCCD_DUPLICATE" in reasons and "CCCD_BIRTH_YEAR" in reasons


@pytest.mark.parametrize("name", ["Giàng A Páo", "Giàng A Dơ", "Vàng Thị Sua", "Vàng Thị Chư"])
def test_both_are_quarantined_when_the_id_does_not_tell(checked, name):
    reasons, warnings = checked[name]
    assert "CCCD_DUPLICATE" in reasons and "CCCD_DUPLICATE_KEPT" not in warnings
