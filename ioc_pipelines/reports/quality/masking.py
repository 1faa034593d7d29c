"""Samples of failing records as the quality report shows them: personal text to initials,
numbers of six digits or more (IDs, phones) to their last two, coordinates to two decimals —
the report goes to departments' liaison officers, not only to the pipeline's operators."""

from __future__ import annotations

import json
import re

PERSONAL = re.compile(r"(^|_)(name|ten|ho_ten|head_name|address|dia_chi|applicant|reporter|"
                      r"investor|nguoi)(_|$)", re.IGNORECASE)
COORDINATE = re.compile(r"^(x|y|lon|lat|longitude|latitude|kinh_do|vi_do)$", re.IGNORECASE)
LONG_NUMBER = re.compile(r"\d{6,}")


def mask(name: str, value) -> str:
    """A delivered value as shown in a sample: personal text to initials, numbers of six
    digits or more (IDs, phones) to their last two, coordinates to two decimals."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if COORDINATE.match(name):
        try:
            return f"{float(text):.2f}"
        except ValueError:
            return "•••"
    if LONG_NUMBER.search(text):
        return LONG_NUMBER.sub(lambda m: "•" * (len(m.group()) - 2) + m.group()[-2:], text)
    if PERSONAL.search(name) and not name.endswith(("_code", "_id")):
        return " ".join(word[0] + "." for word in text.split() if word) or "•••"
    return text


LINEAGE = {"provider_code", "delivery_id", "delivery_date", "file_name", "record_number",
           "loaded_at", "invalid_values"}
