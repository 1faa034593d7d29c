"""Demo population registry extracts for a real province, with injected defects and the truth.

People get plausible Vietnamese names for their ethnic group, CCCD numbers built by the real
structure (birth-registration province, century/sex digit, birth year, random tail), households
and real 2025 commune codes. A known share of records carries exactly one defect each; the
manifest (``truth/population.json``) lists every one with the reason codes the validated layer
must give it, so tests can check the quarantine against the truth exactly.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ioc_pipelines import clock
from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.demo.common import PROVINCES, Province, Truth, demo_key
from ioc_pipelines.demo.names import person_name
from ioc_pipelines.demo.registry_files import messy, text_row, write_extract
from ioc_pipelines.provinces import find_province

DEFECTS = {
    # defect type -> reason codes the validated layer must give the record
    "cccd_format": ["CCCD_FORMAT"],
    "cccd_cmnd": ["CCCD_CMND"],
    "cccd_prefix": ["CCCD_PREFIX"],
    "cccd_century_sex": ["CCCD_CENTURY_SEX"],
    "cccd_birth_year": ["CCCD_BIRTH_YEAR"],
    "cccd_duplicate": ["CCCD_DUPLICATE"],
    "commune_unknown": ["COMMUNE_UNKNOWN"],
    "birth_date_invalid": ["BIRTH_DATE_INVALID"],
    "sex_invalid": ["SEX_INVALID"],
    "name_missing": ["NAME_MISSING"],
}


DEFECT_FIELD = {"cccd_format": "citizen_id", "cccd_cmnd": "citizen_id", "cccd_prefix": "citizen_id",
                "cccd_century_sex": "citizen_id", "cccd_birth_year": "citizen_id",
                "cccd_duplicate": "citizen_id", "commune_unknown": "commune_code",
                "birth_date_invalid": "birth_date", "sex_invalid": "sex",
                "name_missing": "full_name"}

# share of registry records of people who died or moved out of the province during the year
DECEASED_SHARE, MOVED_SHARE = 0.004, 0.008


@dataclass
class Person:
    citizen_id: str
    full_name: str
    birth_date: date
    sex: int  # 1 male, 2 female
    ethnicity_code: str
    religion_code: str
    commune_code: str
    address: str
    household_id: str
    status: str = ""  # registry residence status: "" (thường trú), "đã chết", "chuyển đi"
    status_date: date | None = None


def load_communes(province_code: str) -> list[dict]:
    return [row for row in read_reference("admin_units_2025.csv")
            if row["province_code"] == province_code]


def _birth_codes() -> list[str]:
    return [row["code"] for row in read_reference("cccd_birth_registration_codes.csv")]


def cccd_for(rng: random.Random, prefix: str, birth: date, sex: int) -> str:
    century = (birth.year // 100) - 19  # 1900s -> 0, 2000s -> 1, 2100s -> 2
    digit = century * 2 + (1 if sex == 2 else 0)
    return f"{prefix}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _weighted(rng: random.Random, pairs):
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _birth_date(rng: random.Random, as_of: date) -> date:
    # a young population: more children and adults than elderly
    age = min(int(rng.expovariate(1 / 30)), 99)
    start = date(as_of.year - age - 1, as_of.month, 1) + timedelta(days=rng.randrange(365))
    return min(start, as_of - timedelta(days=1))


def _religion(rng: random.Random, info: dict, ethnicity: str) -> str:
    """A QCVN 109 religion code: Tin Lành among Mông communities, else the province's
    religions in turn, else none ("00")."""
    if ethnicity == "08" and rng.random() < info["mong_protestant"]:
        return "08"
    for code, share in info["religions"]:
        if rng.random() < share:
            return code
    return "00"


def make_people(province: str, count: int, seed: int, as_of: date) -> list[Person]:
    info = PROVINCES[demo_key(find_province(province))]
    rng = random.Random(seed)
    communes = load_communes(info["code"])
    other_codes = [c for c in _birth_codes() if c not in info["birth_codes"]]
    used_ids: set[str] = set()
    people: list[Person] = []
    household = 0
    while len(people) < count:
        household += 1
        commune = rng.choice(communes)
        ethnicity = _weighted(rng, info["ethnic_mix"])
        village = f"{info['village']} {rng.randint(1, 25)}"
        address = f"{village}, {commune['name']}, {commune['province_name']}"
        for _ in range(min(rng.choice(info["household_sizes"]), count - len(people))):
            sex = rng.choice([1, 2])
            birth = _birth_date(rng, as_of)
            prefix = (rng.choice(info["birth_codes"]) if rng.random() < 0.93
                      else rng.choice(other_codes))
            while (cid := cccd_for(rng, prefix, birth, sex)) in used_ids:
                pass
            used_ids.add(cid)
            religion = _religion(rng, info, ethnicity)
            people.append(Person(cid, person_name(rng, ethnicity, sex), birth, sex, ethnicity, religion,
                                 commune["code"], address, f"HO{info['code']}{household:08d}"))
    return people


def _inject(rng: random.Random, people: list[Person], kind: str, i: int, birth_codes: set[str],
            as_of: date) -> dict:
    """Damage record i with exactly one defect; return overrides of delivered text fields."""
    p = people[i]
    if kind == "cccd_format":
        return {"citizen_id": p.citizen_id[:5] + "O" + p.citizen_id[6:]}  # letter O for zero
    if kind == "cccd_cmnd":
        return {"citizen_id": f"{rng.randrange(10**8, 10**9)}"}
    if kind == "cccd_prefix":
        unused = next(f"{n:03d}" for n in range(97, 1000) if f"{n:03d}" not in birth_codes)
        return {"citizen_id": unused + p.citizen_id[3:]}
    if kind == "cccd_century_sex":
        d = int(p.citizen_id[3])
        return {"citizen_id": p.citizen_id[:3] + str(d ^ 1) + p.citizen_id[4:]}
    if kind == "cccd_birth_year":
        yy = (int(p.citizen_id[4:6]) + rng.randint(1, 9)) % 100
        return {"citizen_id": p.citizen_id[:4] + f"{yy:02d}" + p.citizen_id[6:]}
    if kind == "commune_unknown":
        return {"commune_code": rng.choice(["00000", "99999", "12345", "03999"])}
    if kind == "birth_date_invalid":
        return {"birth_date": rng.choice(["31/02/1990", "2099-01-01", "00/00/0000", "ngày 5"])}
    if kind == "sex_invalid":
        return {"sex": rng.choice(["X", "9", "Khác"])}
    if kind == "name_missing":
        return {"full_name": ""}
    raise ValueError(kind)


def generate(out_dir: Path, *, province: str = "laichau", scale: float | None = None,
             people: int | None = None, seed: int = 7, as_of: date | None = None,
             defect_share: float = 0.03) -> dict:
    """Write two registry deliveries (CSV then JSON Lines) under
    ``out_dir/landing/population/<date>/`` and ``out_dir/truth/population.json``; return the
    population manifest."""
    truth = Truth(out_dir, Province.load(province))
    manifest, _people = generate_population(truth, scale=scale, people=people, seed=seed,
                                            as_of=as_of, defect_share=defect_share)
    return manifest


def generate_population(truth: Truth, *, scale: float | None = None, people: int | None = None,
                        seed: int = 7, as_of: date | None = None, defect_share: float = 0.03
                        ) -> tuple[dict, list[Person]]:
    """The registry deliveries and their truth; also the people, for the other sources."""
    out_dir, province = truth.out, truth.province.key
    as_of = as_of or clock.today()
    count = people if people is not None else max(50, int(truth.province.info["population"] * (scale or 0.02)))
    rng = random.Random(seed + 1)
    persons = make_people(province, count, seed, as_of)
    birth_codes = set(_birth_codes())

    # choose damaged records: one defect each; duplicates damage a pair (copy an existing ID)
    kinds = list(DEFECTS)
    n_bad = max(len(kinds), int(count * defect_share))
    damaged = rng.sample(range(count), min(n_bad, count))
    defect_of: dict[int, str] = {i: kinds[k % len(kinds)] for k, i in enumerate(damaged)}
    overrides: dict[int, dict] = {}
    for i, kind in list(defect_of.items()):
        if kind == "cccd_duplicate":
            # a different person carrying someone's valid ID with a consistent birth year/sex
            victim = rng.randrange(count)
            while victim in defect_of:
                victim = rng.randrange(count)
            defect_of[victim] = "cccd_duplicate_original"
            v = persons[victim]
            same_year = v.birth_date
            while same_year == v.birth_date:
                same_year = date(v.birth_date.year, rng.randint(1, 12), rng.randint(1, 28))
            persons[i] = Person(v.citizen_id, person_name(rng, persons[i].ethnicity_code, v.sex),
                                same_year, v.sex, persons[i].ethnicity_code,
                                persons[i].religion_code, persons[i].commune_code,
                                persons[i].address, persons[i].household_id)
        else:
            overrides[i] = _inject(rng, persons, kind, i, birth_codes, as_of)

    # deaths and moves out the registry records (not defects: the population counts residents)
    for i, p in enumerate(persons):
        roll = rng.random()
        if i not in defect_of and roll < DECEASED_SHARE + MOVED_SHARE:
            p.status = "đã chết" if roll < DECEASED_SHARE else "chuyển đi"
            # within the last year, never before the birth (a baby who died or moved out)
            p.status_date = max(p.birth_date, as_of - timedelta(days=rng.randint(1, 360)))
    not_resident = sum(1 for p in persons if p.status)

    first, second = as_of - timedelta(days=1), as_of
    half = count // 2
    deliveries = [
        (first, f"dan_cu_{truth.province.code}_{first:%Y%m%d}.csv", "csv", range(0, half)),
        (second, f"dan_cu_{truth.province.code}_{second:%Y%m%d}.jsonl", "jsonl",
         range(half, count)),
    ]
    manifest = {"province": province, "people": count, "seed": seed, "as_of": as_of.isoformat(),
                "deliveries": [], "defects": []}
    for when, name, style, idx in deliveries:
        rows = []
        file = f"CA_TINH__{name}"
        for record_number, i in enumerate(idx, start=1):
            row = messy(rng, text_row(persons[i], style))
            row.update(overrides.get(i, {}))
            rows.append(row)
            if i in defect_of:
                kind = defect_of[i].replace("_original", "")
                manifest["defects"].append({"file": file, "record_number": record_number,
                                            "defect": kind, "reasons": DEFECTS[kind]})
                truth.defect("population", "population__citizens", file, record_number,
                             DEFECT_FIELD[kind], kind)
        path = truth.deliver("population", "CA_TINH", when, name,
                             lambda p, s=style, r=rows: write_extract(p, s, r),
                             {"population__citizens": len(rows)})
        manifest["deliveries"].append({"file": path.name, "delivery_date": when.isoformat(),
                                       "path": str(path.relative_to(out_dir)),
                                       "rows": len(rows)})
    # valid_rows: the residents the population mart counts (valid records, not dead or gone)
    manifest["valid_rows"] = count - len(manifest["defects"]) - not_resident
    manifest["not_resident"] = not_resident
    truth.counts["people"] = count
    truth.counts["people_valid"] = manifest["valid_rows"]
    target = out_dir / "truth" / "population.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest, persons
