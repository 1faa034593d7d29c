"""Header text as providers write it -> a comparable key."""

import re
import unicodedata


def normalise_header(label: str) -> str:
    """'  Số định danh ' -> 'so_dinh_danh': NFC, lower, diacritics off, non-alnum to '_'."""
    text = unicodedata.normalize("NFKD", label.strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")
