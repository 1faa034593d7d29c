"""Who may deliver: the provider codes a delivery can carry — the departments of the 2025
structure, the configured province's communes as ``XA_<code>``, and the providers the
contracts name (``provider``, ``expect.providers``, ``other_providers``: a platform or a
centre outside the departments' list)."""

from __future__ import annotations

import difflib
from functools import cache

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.reference import read_reference
from ioc_pipelines.settings import Settings


def known_providers(settings: Settings) -> set[str]:
    from connectors import SOURCES, get_connector

    codes = {r["code"] for r in read_reference("departments_2025.csv")}
    codes |= {f"XA_{r['code']}" for r in read_reference("admin_units_2025.csv")
              if r["province_code"] == settings.province_code}
    for source in SOURCES:
        contract = get_connector(source).contract
        codes.add(contract.provider)
        codes |= set((contract.raw.get("expect") or {}).get("providers") or [])
        codes |= set(contract.raw.get("other_providers") or [])
    return codes


def unknown_provider(settings: Settings, code: str, known: set[str] | None = None) -> str | None:
    """Why ``code`` cannot deliver (None when it can); ``known`` saves recomputing the list
    when many files are checked."""
    known = known_providers(settings) if known is None else known
    if code in known:
        return None
    close = difflib.get_close_matches(code.upper(), sorted(known), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else (
        "; a department code (SYT, STC …) or XA_<commune code>")
    return f"unknown provider code {code!r}{hint}"


def check_provider(settings: Settings, code: str) -> str:
    """``code`` when it may deliver; a CoreError naming the nearest codes otherwise."""
    reason = unknown_provider(settings, code)
    if reason:
        raise CoreError(reason)
    return code


@cache
def _names(province_code: str) -> dict[str, str]:
    from connectors import SOURCES, get_connector

    names = {r["code"]: r["name"] for r in read_reference("departments_2025.csv")}
    names |= {f"XA_{r['code']}": f"UBND {r['name']}" for r in read_reference("admin_units_2025.csv")
              if r["province_code"] == province_code}
    for source in SOURCES:  # a contract's own provider outside the departments: its owner
        contract = get_connector(source).contract
        owner = str(contract.raw.get("owner") or "").split(" (")[0].split(";")[0].strip()
        if owner:
            names.setdefault(contract.provider, owner)
    return names


def provider_name(settings: Settings, code: str) -> str:
    """A provider as people name it: "Sở Y tế (SYT)", "UBND Xã Mường Tè (XA_03388)",
    "Công an tỉnh (CA_TINH)"; an unknown code as it is."""
    name = _names(settings.province_code).get(code)
    return f"{name} ({code})" if name else code


def source_title(source: str) -> str:
    """A source as its contract titles it ("Hộ gia đình, hộ nghèo, đối tượng chính sách")."""
    from connectors import SOURCES, get_connector

    if source not in SOURCES:
        return source
    return get_connector(source).contract.raw.get("title") or source
