"""Table-driven tests of the CCCD and commune-code rules (crosswalk, districts, place-name
variants) — the very dbt macros the validated
layer uses, run by dbt itself (`dbt show --inline`) against the real reference seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ioc_pipelines.resources.dbt import PROFILE, dbt_executable, write_profile
from ioc_pipelines.settings import DBT_PROJECT_DIR, load_settings

AS_OF = "2026-11-22"

# (case, citizen_id, birth_date, sex_code, expected reason codes) — the edge cases of the CCCD rules (docs/sources/population.md)
CCCD_CASES = [
    ("valid male born 1985, Lai Châu", "012085001234", "1985-03-05", 1, []),
    ("valid female born 2019 (digit 3 = 2000s female)", "012319004321", "2019-07-21", 2, []),
    ("Hưng Yên IDs carry 033", "033201000123", "2001-01-01", 1, []),
    ("… and 034 (former Thái Bình)", "034301000456", "2001-06-30", 2, []),
    ("born abroad-registered province Hà Nội 001", "001198000007", "1998-12-31", 2, []),
    ("old 9-digit CMND", "012345678", "1985-03-05", 1, ["CCCD_CMND"]),
    ("leading zero lost (11 digits)", "12085001234", "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("13 digits", "0120850012345", "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("letter O instead of zero", "01208500123O", "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("spaces inside", "012 085 001 234", "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("full-width digits are not ASCII", "０１２０８５００１２３４", "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("missing ID", None, "1985-03-05", 1, ["CCCD_FORMAT"]),
    ("prefix 003 was never assigned", "003085001234", "1985-03-05", 1, ["CCCD_PREFIX"]),
    ("prefix 097 is beyond the list", "097085001234", "1985-03-05", 1, ["CCCD_PREFIX"]),
    ("female with the male digit", "012085001234", "1985-03-05", 2, ["CCCD_CENTURY_SEX"]),
    ("born 2005 with a 1900s digit", "012005001234", "2005-01-01", 1, ["CCCD_CENTURY_SEX"]),
    ("born 1999 with a 2000s digit", "012299001234", "1999-01-01", 1, ["CCCD_CENTURY_SEX"]),
    ("sex unknown: only the century is checked", "012150001234", "1950-01-01", 0, []),
    ("sex unknown, wrong century", "012250001234", "1950-01-01", 0, ["CCCD_CENTURY_SEX"]),
    ("birth year digits differ", "012086001234", "1985-03-05", 1, ["CCCD_BIRTH_YEAR"]),
    ("century and year both wrong", "012290001234", "1985-03-05", 1,
     ["CCCD_BIRTH_YEAR", "CCCD_CENTURY_SEX"]),
    ("no usable birth date: consistency not judged", "012086001234", None, 1, []),
    ("birth after the extract date: not judged", "012099001234", "2099-01-01", 1, []),
    ("no usable sex: century/sex not judged", "012085001234", "1985-03-05", None, []),
]

# (case, commune code as delivered, expected blocking reasons, 2025 code it is kept under);
# the province is Lai Châu (12)
COMMUNE_CASES = [
    ("Phường Đoàn Kết, Lai Châu", "03388", [], "03388"),
    ("exported as a number: zero restored", "3388", [], "03388"),
    ("padded with spaces", " 03390 ", [], "03390"),
    ("a 2025 commune of another province", "11953", ["COMMUNE_UNKNOWN"], "11953"),
    ("retired Phường Quyết Thắng: converted", "03386", [], "03388"),
    ("retired Xã Lản Nhì Thàng (other district): converted", "03391", [], "03388"),
    ("retired Xã Bình Lư kept its name, not its code", "03412", [], "03390"),
    ("pre-2025 district code (Huyện Tam Đường)", "106", ["COMMUNE_DISTRICT_LEVEL"], "00106"),
    ("district name instead of a commune", "Huyện Tam Đường", ["COMMUNE_DISTRICT_LEVEL"],
     "Huyện Tam Đường"),
    ("six digits", "033880", ["COMMUNE_UNKNOWN"], "033880"),
    ("not digits", "X0338", ["COMMUNE_UNKNOWN"], "X0338"),
    ("a commune name in the code field", "Xã Bình Lư", ["COMMUNE_UNKNOWN"], "Xã Bình Lư"),
    ("missing", None, ["COMMUNE_MISSING"], None),
    ("empty", "", ["COMMUNE_MISSING"], None),
]

# (case, province, commune name as delivered, 2025 code expected or None)
NAME_CASES = [
    ("official name", "12", "Phường Đoàn Kết", "03388"),
    ("abbreviated level, no space", "12", "P.Đoàn Kết", "03388"),
    ("lower case, double space", "12", "xã  bình lư", "03390"),
    ("apostrophe variant", "12", "Xã Pa Ủ’", "03442"),
    ("retired commune by its old name", "12", "Xã Sơn Bình", "03390"),
    ("unknown name", "12", "Xã Không Có", None),
    ("old tone placement (Thuỵ)", "33", "Xã Thái Thuỵ", "12826"),
    ("X. abbreviation, old tone placement", "33", "X. Thuỵ Anh", "12865"),
    ("without diacritics", "33", "xa Quynh Phu", "12472"),
    ("a name in both provinces is matched in the province's own list", "33", "Xã Lê Lợi",
     "13120"),
]


# (case, delivered, code list seed, expected code)
CODE_LIST_CASES = [
    ("ethnicity code", "03", "ethnic_groups_qd121_1979", "03"),
    ("ethnicity code that lost its zero", "3", "ethnic_groups_qd121_1979", "03"),
    ("ethnicity by name", "Thái", "ethnic_groups_qd121_1979", "03"),
    ("ethnicity name, apostrophe and no tones", "H'Mong", "ethnic_groups_qd121_1979", "08"),
    ("ethnicity code outside the list", "99", "ethnic_groups_qd121_1979", None),
    ("religion by name", "tin lành", "religions_qcvn109", "08"),
    ("no religion", "0", "religions_qcvn109", "00"),
    ("religion outside the list", "Đạo lạ", "religions_qcvn109", None),
]


def _lit(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _inline_sql() -> str:
    cccd_rows = ",\n".join(
        f"({i}, {_lit(cid)}, {_lit(bd)}::date, {_lit(sex)}::integer)"
        for i, (_, cid, bd, sex, _) in enumerate(CCCD_CASES))
    commune_rows = ",\n".join(f"({i}, {_lit(code)})" for i, (_, code, *_) in enumerate(COMMUNE_CASES))
    return f"""
with cases (i, citizen_id, birth_date, sex_code) as (values {cccd_rows}),
communes (i, raw_code) as (values {commune_rows}),
cccd as (
    select 'cccd' as kind, i, list_sort(list_filter([
        {{{{ cccd_reason_codes('citizen_id', 'birth_date', 'sex_code',
             birth_date_ok('birth_date', "date '{AS_OF}'"),
             ref('cccd_birth_registration_codes')) }}}}
    ], r -> r is not null)) as reasons from cases
),
staged as (
    select i, {{{{ commune_columns('raw_code') }}}} from communes
),
commune as (
    select 'commune' as kind, i, list_filter([
        {{{{ commune_reason('commune_code_delivered') }}}}
    ], r -> r is not null) as reasons, commune_code from staged
)
select kind, i, array_to_string(reasons, ',') as reasons, null as commune_code from cccd
union all
select kind, i, array_to_string(reasons, ',') as reasons, commune_code from commune
"""


def _code_lists_sql() -> str:
    selects = []
    for i, (_, value, seed, _) in enumerate(CODE_LIST_CASES):
        literal = '"' + _lit(value) + '"'  # a jinja string holding the SQL literal
        selects.append(f"select {i} as i, {{{{ code_from_list({literal}, ref('{seed}'), 2) }}}}"
                       " as code")
    return "\nunion all\n".join(selects)


def _names_sql(province: str) -> str:
    rows = ",\n".join(f"({i}, {_lit(name)})" for i, (_, p, name, _) in enumerate(NAME_CASES)
                      if p == province)
    return f"""
with names (i, name) as (values {rows}),
staged as (
    select i, {{{{ commune_columns('null::varchar', 'name') }}}} from names
)
select i, commune_code from staged
"""


def _dbt(home: Path, *args: str) -> str:
    settings = load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "none.env")})
    profiles = write_profile(settings)
    proc = subprocess.run(
        [dbt_executable(), *args, "--profiles-dir", str(profiles), "--profile", PROFILE,
         "--target-path", str(home / "target"), "--log-path", str(home / "logs")],
        cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=300,
        env={"PATH": str(Path(sys.executable).parent), "HOME": str(Path.home())},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[tuple[str, int], list[str]]:
    home = tmp_path_factory.mktemp("rules")
    _dbt(home, "seed", "--select", "cccd_birth_registration_codes", "admin_units_2025",
         "admin_units_crosswalk_pre2025", "districts_pre2025", "ethnic_groups_qd121_1979",
         "religions_qcvn109", "--quiet")
    out = _dbt(home, "show", "--inline", _inline_sql(), "--output", "json", "--limit", "-1",
               "--quiet")
    rows = json.loads(out[out.index("{"):])["show"]
    found = {(r["kind"], r["i"]): ([x for x in (r["reasons"] or "").split(",") if x],
                                   r["commune_code"]) for r in rows}
    out = _dbt(home, "show", "--inline", _code_lists_sql(), "--output", "json", "--limit", "-1",
               "--quiet")
    for r in json.loads(out[out.index("{"):])["show"]:
        found[("code_list", r["i"])] = r["code"]
    for province in ("12", "33"):
        out = _dbt(home, "show", "--inline", _names_sql(province), "--output", "json",
                   "--limit", "-1", "--quiet", "--vars", json.dumps({"province_code": province}))
        for r in json.loads(out[out.index("{"):])["show"]:
            found[("name", r["i"])] = r["commune_code"]
    return found


@pytest.mark.parametrize(("i", "case"), list(enumerate(CCCD_CASES)), ids=[c[0] for c in CCCD_CASES])
def test_cccd_rules(outcomes, i, case):
    assert outcomes[("cccd", i)][0] == case[-1]


@pytest.mark.parametrize(("i", "case"), list(enumerate(COMMUNE_CASES)),
                         ids=[c[0] for c in COMMUNE_CASES])
def test_commune_code_rule(outcomes, i, case):
    _, _, reasons, code_2025 = case
    assert outcomes[("commune", i)] == (reasons, code_2025)


@pytest.mark.parametrize(("i", "case"), list(enumerate(NAME_CASES)), ids=[c[0] for c in NAME_CASES])
def test_place_name_variants_map_to_the_official_unit(outcomes, i, case):
    assert outcomes[("name", i)] == case[-1]


@pytest.mark.parametrize(("i", "case"), list(enumerate(CODE_LIST_CASES)),
                         ids=[c[0] for c in CODE_LIST_CASES])
def test_code_lists_by_code_or_name(outcomes, i, case):
    assert outcomes[("code_list", i)] == case[-1]
