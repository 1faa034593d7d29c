"""Departments' socio-economic reports: the official Excel report form, legacy fonts, CSV.

A report-form sheet has title rows ("BÁO CÁO … THÁNG 10 NĂM 2026"), a header of two merged
rows ("Thực hiện" over "Tháng 10" / "Lũy kế"), a row of column numbers, group headings
("I. KINH TẾ") and notes at the end. The header band is found by the contract's aliases
(:func:`connectors.xlsx.find_table`), the period comes from the title when no column gives
it, and group headings (an enumerated or capitalised label, no code, no figure) are not
records — the reading says which rows it left out.
"""

import re
from typing import Any

import polars as pl

from connectors import xlsx
from connectors.base import Connector
from connectors.headers import normalise_header

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PERIOD_PATTERNS = [
    (re.compile(r"6_thang_dau_nam_(\d{4})"), lambda m: f"{m[1]}-H1"),
    (re.compile(r"quy_(i{1,3}|iv|[1-4])_(?:nam_)?(\d{4})"),
     lambda m: f"{m[2]}-Q{_ROMAN.get(m[1], m[1])}"),
    (re.compile(r"thang_(\d{1,2})_(?:nam_)?(\d{4})"), lambda m: f"{m[2]}-{int(m[1]):02d}"),
    (re.compile(r"(?:^|_)nam_(\d{4})(?:_|$)"), lambda m: m[1]),
]
FIGURES = ("actual", "cumulative", "plan_target", "same_period_last_year")


def period_from_title(lines: list[str]) -> str | None:
    """'BÁO CÁO … THÁNG 10 NĂM 2026' -> '2026-10'; 'Quý III năm 2026' -> '2026-Q3'.

    >>> period_from_title(["UBND TỈNH LAI CHÂU", "BÁO CÁO TÌNH HÌNH KT-XH THÁNG 10 NĂM 2026"])
    '2026-10'
    """
    for line in lines:
        key = normalise_header(line)
        for pattern, build in _PERIOD_PATTERNS:
            match = pattern.search(key)
            if match:
                return build(match)
    return None


class IndicatorsConnector(Connector):
    source = "indicators"

    def workbook_constants(self, table: xlsx.Table) -> dict[str, Any]:
        period = period_from_title(table.title_lines)
        return {"period": period} if period else {}

    def not_records(self, entity: str) -> tuple[pl.Expr, str] | None:
        """Group headings ("I. KINH TẾ", "A. Thu ngân sách", a label mostly in capitals) with no code
        and no figure are the form's structure, not records. A row with an indicator's name
        but no figure is a record: the validated layer tells the provider it has no figure."""
        label = pl.col("indicator_name").str.strip_chars()
        enumerated = label.str.contains(r"^(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]\s")
        # mostly capitals: legacy capital fonts (.VnTimeH) leave toned letters lower-case
        letters = label.str.count_matches(r"\p{L}")
        capitals = (letters > 0) & (label.str.count_matches(r"\p{Lu}") >= 0.6 * letters)
        no_figure = pl.all_horizontal([pl.col(c).is_null() for c in FIGURES])
        heading = (no_figure & pl.col("indicator_code").is_null() & pl.col("_invalid").is_null()
                   & (enumerated | capitals | label.is_null()))
        return heading, "indicator_name"
