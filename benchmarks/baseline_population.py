"""The population path as a plain pandas + Great Expectations script (figures only; never
pass/fail): the baseline the project's raw load and models are measured against.

    .venv/bin/python benchmarks/baseline_population.py --home DIR [--province 33]

What a data engineer without the platform would write for the same result: read the
registry's landing files (CSV and JSON Lines) with pandas, apply the same rules as the
project's models (citizen-ID structure, one ID per person, commune in the 2025 list or
converted through the crosswalk, birth date, sex, name, residence status and its date), keep
each citizen's newest valid record, make ``population_by_commune_sex_age`` and validate it
with the project's Great Expectations suite. Prints its CPU seconds, wall seconds and peak
memory, then compares its mart with the one published in DIR's current release row by row —
so the figures are of a script that really does the same work.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
import unicodedata
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds" / "reference"
FIELDS = {  # the contract's fields and the header spellings the registry uses
    "citizen_id": ["so_dinh_danh", "so_dinh_danh_ca_nhan", "cccd", "so_cccd", "id_number"],
    "full_name": ["ho_ten", "ho_va_ten", "ten"],
    "birth_date": ["ngay_sinh", "dob"],
    "sex": ["gioi_tinh", "gender"],
    "commune_code": ["ma_xa", "ma_don_vi_hanh_chinh", "ma_xa_phuong"],
    "residence_status": ["tinh_trang_cu_tru", "trang_thai_cu_tru", "trang_thai"],
    "status_date": ["ngay_thay_doi", "ngay_mat", "ngay_chuyen_di"],
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")
SEX = {"1": 1, "nam": 1, "male": 1, "2": 2, "nữ": 2, "nu": 2, "female": 2, "0": 0,
       "chưa xác định": 0}
STATUS = {"thường trú": "resident", "tạm trú": "resident", "đã chết": "deceased",
          "chết": "deceased", "đã mất": "deceased", "chuyển đi": "moved_out",
          "đã chuyển đi": "moved_out"}


def fold(header: str) -> str:
    text = unicodedata.normalize("NFKD", header.strip().lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def read(path: Path, delivery_date: str, order: int) -> pd.DataFrame:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    else:
        frame = pd.read_json(path, lines=True, dtype=False)
        frame = frame.astype("string")
    by_alias = {alias: name for name, aliases in FIELDS.items() for alias in [name, *aliases]}
    frame = frame.rename(columns=lambda h: by_alias.get(fold(h), h))
    frame = frame[[c for c in FIELDS if c in frame.columns]].astype("string")
    frame["delivery_date"] = pd.Timestamp(delivery_date)
    frame["delivery_order"] = order
    frame["record_number"] = range(1, len(frame) + 1)
    return frame


def clean(s: pd.Series) -> pd.Series:
    s = s.str.normalize("NFC").str.strip().str.replace(r"\s+", " ", regex=True)
    return s.mask(s == "")


def parse_date(s: pd.Series, formats) -> pd.Series:
    s = s.str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[s]")
    for form in formats:
        todo = out.isna() & s.notna()
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=form, errors="coerce")
    return out


def valid_citizens(frame: pd.DataFrame, province: str) -> pd.DataFrame:
    units = pd.read_csv(SEEDS / "admin_units_2025.csv", dtype=str)
    crosswalk = pd.read_csv(SEEDS / "admin_units_crosswalk_pre2025.csv", dtype=str)
    crosswalk = crosswalk[crosswalk.province_code == province]
    split = crosswalk.is_split.str.lower() == "true"
    prefixes = set(pd.read_csv(SEEDS / "cccd_birth_registration_codes.csv", dtype=str).code)

    cid = frame.citizen_id.str.strip()
    cid = cid.mask(cid == "")
    name = clean(frame.full_name)
    birth_text = frame.birth_date.str.strip()
    birth_text = birth_text.mask(birth_text == "")
    birth = parse_date(frame.birth_date, DATE_FORMATS[:3])
    sex = clean(frame.sex).str.lower().map(SEX)
    code = frame.commune_code.str.strip()
    code = code.where(~code.str.fullmatch(r"[0-9]{1,5}").fillna(False), code.str.zfill(5))
    code = code.mask(code == "")
    status = clean(frame.residence_status).str.lower().fillna("thường trú").map(STATUS)
    status_date = parse_date(frame.status_date.str.slice(0, 10), DATE_FORMATS)
    delivered = frame.delivery_date

    birth_ok = birth.notna() & (birth >= pd.Timestamp("1900-01-01")) & (birth <= delivered)
    year = birth.dt.year
    twelve = cid.str.fullmatch(r"[0-9]{12}").fillna(False).astype(bool)
    nine = cid.str.fullmatch(r"[0-9]{9}").fillna(False).astype(bool)
    digit4 = pd.to_numeric(cid.str.slice(3, 4), errors="coerce")
    century = year // 100 - 19
    century_sex = twelve & birth_ok & (
        (sex.isin([1, 2]) & (digit4 != century * 2 + (sex - 1)))
        | ((sex == 0) & (digit4 // 2 != century)))
    birth_year = twelve & birth_ok & (
        cid.str.slice(4, 6) != (year % 100).astype("Int64").astype("string").str.zfill(2))
    cccd_ok = ~(nine | ~twelve | (twelve & ~cid.str.slice(0, 3).isin(prefixes))
                | century_sex.fillna(False) | birth_year.fillna(False))

    identity = name.fillna("") + "|" + birth.dt.strftime("%Y-%m-%d").fillna(
        birth_text).fillna("")
    people = identity.groupby(cid).transform("nunique")
    consistent = identity.where(cccd_ok).groupby(cid).transform("nunique")
    duplicate = cid.notna() & (people > 1) & ~((consistent == 1) & cccd_ok)

    in_list = code.isin(units[units.province_code == province].code)
    commune_ok = in_list | (code.isin(crosswalk.old_code) & ~code.isin(
        crosswalk[split].old_code))
    status_date_bad = (status_date > delivered) | (status_date < birth)
    ok = (cccd_ok & ~duplicate.fillna(False) & commune_ok & birth_ok & sex.notna()
          & name.notna() & status.notna() & ~status_date_bad.fillna(False))

    converted = dict(zip(crosswalk[~split].old_code, crosswalk[~split].new_code, strict=True))
    out = pd.DataFrame({
        "citizen_id": cid, "birth_date": birth, "sex_code": sex,
        "commune_code": code.map(converted).fillna(code), "residence_status": status,
        "delivery_date": delivered, "delivery_order": frame.delivery_order,
        "record_number": frame.record_number})[ok]
    out = out.sort_values(["delivery_date", "delivery_order", "record_number"],
                          ascending=False)
    return out.drop_duplicates("citizen_id")


def mart(citizens: pd.DataFrame) -> pd.DataFrame:
    units = pd.read_csv(SEEDS / "admin_units_2025.csv", dtype=str)
    residents = citizens[citizens.residence_status == "resident"].copy()
    reference = residents.delivery_date.max()
    birth = residents.birth_date
    age = reference.year - birth.dt.year - (
        (birth.dt.month > reference.month)
        | ((birth.dt.month == reference.month) & (birth.dt.day > reference.day)))
    residents["age_band_start"] = (age // 5 * 5).clip(upper=85)
    counted = (residents.groupby(["commune_code", "sex_code", "age_band_start"])
               .size().rename("population").reset_index())
    counted = counted.merge(units[["code", "name", "province_code"]].rename(
        columns={"code": "commune_code", "name": "commune_name"}), on="commune_code")
    counted["sex_name"] = counted.sex_code.map({1: "Nam", 2: "Nữ"}).fillna("Chưa xác định")
    counted["age_band"] = counted.age_band_start.map(
        lambda b: "85+" if b >= 85 else f"{b}-{b + 4}")
    counted["reference_date"] = reference.date()
    return counted


def published(home: str, province: str) -> pd.DataFrame:
    """The project's mart in the home's current release."""
    from compare_releases import _settings

    from ioc_pipelines.core.publishing import current_release
    from ioc_pipelines.resources.lakes import PUBLISHED, connect

    settings = _settings(home, province)
    release = current_release(settings)
    with connect(settings, work=False, published=True, published_snapshot=release.id) as con:
        return con.execute(f"SELECT * FROM {PUBLISHED}.main.population_by_commune_sex_age"
                           ).df()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True, help="an IOC_HOME that has run")
    parser.add_argument("--province", default="33")
    args = parser.parse_args()
    landing = Path(args.home) / "store" / "ioc-work" / "landing" / "population"
    files = sorted(p for p in landing.rglob("*") if p.suffix in (".csv", ".jsonl"))

    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    frame = pd.concat([read(p, p.parent.name, n) for n, p in enumerate(files)],
                      ignore_index=True)
    records = len(frame)
    citizens = valid_citizens(frame, args.province)
    del frame
    result = mart(citizens)
    from quality_checks.expectations import population_mart_expectations, run_suite

    outcome = run_suite("population_by_commune_sex_age", "correct", result,
                        population_mart_expectations(sorted(result.commune_code.unique())))
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"pandas + GX baseline: {len(files)} files, {records:,} records → {len(citizens):,} "
          f"valid citizens → {len(result):,} mart rows; GX: {outcome.summary()}")
    print(f"  CPU {cpu:,.1f} s, wall {time.perf_counter() - started:,.1f} s, "
          f"peak resident memory {after.ru_maxrss / 1024:,.0f} MB, "
          f"{records / cpu:,.0f} records/CPU-s")

    key = ["commune_code", "sex_code", "age_band_start"]
    theirs = published(args.home, args.province)
    both = result.merge(theirs, on=key, how="outer", suffixes=("", "_project"),
                        indicator=True)
    same = (both._merge == "both") & (both.population == both.population_project)
    print(f"  against the release's population_by_commune_sex_age ({len(theirs):,} rows): "
          f"{int(same.sum()):,} rows equal, {int((~same).sum()):,} differ")
    if not same.all():
        print(both[~same][[*key, "population", "population_project", "_merge"]]
              .head(10).to_string())


if __name__ == "__main__":
    main()
