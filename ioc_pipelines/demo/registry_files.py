"""The demo registry's files as the registry exports them: a CSV for Excel (UTF-8 with BOM,
';' separated, Vietnamese headers, dd/mm/yyyy dates) and JSON Lines (ISO dates, numeric sex),
with the harmless variation real files have (NFD text, stray spaces)."""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from pathlib import Path

CSV_HEADERS = ["Số định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo",
               "Mã xã", "Địa chỉ thường trú", "Mã hộ", "Tình trạng cư trú", "Ngày thay đổi"]


def text_row(p, style: str) -> dict[str, str]:
    name = p.full_name
    if style == "csv":
        birth = p.birth_date.strftime("%d/%m/%Y")
        sex = "Nam" if p.sex == 1 else "Nữ"
    else:
        birth = p.birth_date.isoformat()
        sex = str(p.sex)
    return {"citizen_id": p.citizen_id, "full_name": name, "birth_date": birth, "sex": sex,
            "ethnicity_code": p.ethnicity_code, "religion_code": p.religion_code,
            "commune_code": p.commune_code, "address": p.address, "household_id": p.household_id,
            "residence_status": p.status,
            "status_date": "" if p.status_date is None else (
                p.status_date.strftime("%d/%m/%Y") if style == "csv"
                else p.status_date.isoformat())}


def messy(rng: random.Random, row: dict[str, str]) -> dict[str, str]:
    """Harmless variation real files have: NFD text, stray spaces. Staging must absorb it."""
    roll = rng.random()
    if roll < 0.05:
        row["full_name"] = unicodedata.normalize("NFD", row["full_name"])
    elif roll < 0.08:
        row["full_name"] = "  " + row["full_name"].replace(" ", "  ", 1) + " "
    return row


def write_extract(path: Path, style: str, rows: list[dict[str, str]]) -> None:
    if style == "csv":  # the registry's Excel-friendly export: UTF-8 with BOM, ';' separated
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(CSV_HEADERS)
            for row in rows:
                writer.writerow(row.values())
    else:
        with open(path, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({"so_dinh_danh": row["citizen_id"], "ho_ten": row["full_name"],
                                     "ngay_sinh": row["birth_date"], "gioi_tinh": int(row["sex"])
                                     if row["sex"].isdigit() else row["sex"],
                                     "dan_toc": row["ethnicity_code"],
                                     "ton_giao": row["religion_code"],
                                     "ma_xa": row["commune_code"], "dia_chi": row["address"],
                                     "ma_ho": row["household_id"],
                                     "tinh_trang_cu_tru": row["residence_status"],
                                     "ngay_thay_doi": row["status_date"]},
                                    ensure_ascii=False) + "\n")
