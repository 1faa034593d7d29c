"""How one ``IOC_*`` value is read and checked — a boolean, a bucket name, a port, a whole
number, a list of names — each refusal a ``SettingsError`` naming the variable. Which values
exist and what they mean is ``settings.py``'s; these helpers only read the mapping given."""

from __future__ import annotations

import re

_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def bool_value(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    low = raw.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (use true or false)")


def require(env: dict[str, str], name: str, why: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is required {why}")
    return value


def bucket(env: dict[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    if not _BUCKET_RE.match(value):
        raise SettingsError(f"{name}={value!r} is not a valid bucket name (3-63 chars, a-z 0-9 . -)")
    return value


def name_list(env: dict[str, str], name: str) -> tuple[str, ...] | None:
    if name not in env:
        return None
    names = tuple(sorted({part.strip() for part in env[name].split(",") if part.strip()}))
    bad = [n for n in names if not re.fullmatch(r"[a-z][a-z0-9_]{0,127}", n)]
    if bad:
        raise SettingsError(f"{name}: {bad[0]!r} is not a dataset name (lower-case table names, "
                            "comma-separated)")
    return names


def whole(env: dict[str, str], name: str, default: int, unit: str = "") -> int:
    text = (env.get(name) or str(default)).strip()
    if not text.isdigit() or int(text) < 1:
        kind = f"a whole number {unit}" if unit else "a whole number"
        raise SettingsError(f"{name}={text!r} must be {kind} (≥ 1)")
    return int(text)


def port(env: dict[str, str], name: str, default: int) -> int:
    text = (env.get(name) or str(default)).strip()
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingsError(f"{name}={text!r} must be a port number (1–65535)")
    return int(text)


def province_code(env: dict[str, str], name: str, default: str) -> str:
    """A province code of the 2025 reform (``provinces_2025.csv``); a wrong one is refused
    with the list of the 34."""
    from ioc_pipelines.provinces import listing, provinces

    value = (env.get(name) or default).strip()
    if value not in provinces():
        raise SettingsError(f"{name}={value!r} is not a province code of the 2025 reform; "
                            f"use one of: {listing()}")
    return value
