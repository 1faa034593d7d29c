"""The data contract of a source (``connectors/<source>/contract.yml``): its entities and
fields with their types, aliases and rules, the gate, the delivery cadence — and the delivery
a file arrived in (source, provider, date, checksum)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from connectors.headers import normalise_header

TYPES = ("text", "integer", "number", "date", "timestamp", "boolean", "json", "geometry")


@dataclass(frozen=True)
class Delivery:
    """One delivered file, as recorded in the landing zone."""

    source: str
    provider: str
    delivery_date: date
    file_name: str
    sha256: str

    @property
    def delivery_id(self) -> str:
        return f"{self.source}-{self.delivery_date:%Y%m%d}-{self.sha256[:12]}"


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Entity:
    """One kind of record a source delivers; lands in ``raw.<source>__<name>``."""

    name: str
    fields: tuple[Field, ...]
    description: str = ""
    match: tuple[str, ...] = ()  # file-name globs that always mean this entity

    def headers(self, names) -> str:
        """Fields as a provider knows them: ``commune_code ("ma_xa": Mã xã/phường …)`` — the
        field, a header the contract accepts for it (headers compare without case or marks:
        ``Mã xã`` = ``ma_xa``) and what it holds; what a missing-column refusal names."""
        by_name = {f.name: f for f in self.fields}
        said = []
        for name in names:
            field = by_name[name]
            labels = [a for a in field.aliases if not a.startswith("re:")]
            header = f'"{labels[0]}"' if labels else ""
            meaning = field.description.strip()
            inner = ": ".join(p for p in (header, meaning) if p)
            said.append(f"{name} ({inner})" if inner else name)
        return ", ".join(said)

    def header_map(self) -> dict[str, str]:
        """Normalised header text -> canonical field name (the allow-list)."""
        out = {}
        for f in self.fields:
            for label in (f.name, *f.aliases):
                if not label.startswith("re:"):
                    out.setdefault(normalise_header(label), f.name)
        return out

    def header_patterns(self) -> list[tuple[re.Pattern, str]]:
        """Aliases written ``re:<regex>`` match normalised headers such as 'thuc_hien_thang_10'."""
        return [(re.compile(a[3:]), f.name) for f in self.fields for a in f.aliases
                if a.startswith("re:")]

    def matched(self, columns: list[str]) -> dict[str, str]:
        """Delivered column -> field; the first delivered column wins for a field."""
        mapping, patterns, out = self.header_map(), self.header_patterns(), {}
        for col in columns:
            key = normalise_header(col)
            name = mapping.get(key) or next((n for p, n in patterns if p.fullmatch(key)), None)
            if name and name not in out.values():
                out[col] = name
        return out

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


@dataclass(frozen=True)
class Contract:
    """A source's data contract (``connectors/<source>/contract.yml``)."""

    source: str
    owner: str
    formats: tuple[str, ...]
    entities: dict[str, Entity]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> Contract:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entities = {}
        for name, spec in raw["entities"].items():
            fields = []
            for f in spec["fields"]:
                ftype = f.get("type", "text")
                if ftype not in TYPES:
                    raise ValueError(f"{path}: field {f['name']}: unknown type {ftype!r}")
                fields.append(Field(f["name"], ftype, bool(f.get("required", False)),
                                    tuple(f.get("aliases", ())), f.get("description", "")))
            entities[name] = Entity(name, tuple(fields), spec.get("description", ""),
                                    tuple(spec.get("match", ())))
        return cls(raw["source"], raw["owner"], tuple(raw["formats"]), entities, raw)

    @property
    def provider(self) -> str:
        return self.raw.get("provider", self.source)

    @property
    def gate(self) -> dict[str, Any]:
        return self.raw.get("gate", {})

    @property
    def sign_off_required(self) -> bool:
        """A release with new deliveries of this source waits for the liaison team's sign-off.

        The default follows the regulations (data going live must be approved): every source
        requires it unless its contract says ``sign_off_required: false`` — an automatically
        gated live feed (IoT)."""
        return bool(self.raw.get("sign_off_required", True))

    @property
    def timezone(self) -> str:
        return self.raw.get("timezone", "Asia/Ho_Chi_Minh")

    def raw_table(self, entity: str) -> str:
        return f"{self.source}__{entity}"


@dataclass
class Part:
    """What a parser found in a file: records of one entity (``None``: decide by columns)."""

    frame: pl.DataFrame
    entity: str | None = None
    canonical: bool = False  # columns already carry the contract's field names
    constants: dict[str, Any] = field(default_factory=dict)  # e.g. the period from a title


@functools.cache
def _contract(path: Path) -> Contract:
    """Each contract is parsed once per process (connectors are built for every load)."""
    return Contract.load(path)
