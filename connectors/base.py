"""The interface every connector implements, and the contract that drives it.

A connector reads one delivered file into typed Arrow tables — one per entity the file holds
(``<source>__<entity>``) — plus lineage columns. It never writes to a lake (assets do) and
never guesses silently: a file it cannot read raises :class:`ConnectorError` naming the file
and the reason. A single value that cannot be typed does not reject the file: it becomes null
and its delivered text is kept in the ``_invalid`` column ({field: text}), so nothing is lost
and the validated layer can say what was wrong.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import yaml

from connectors import formats
from connectors.errors import ConnectorError
from connectors.headers import normalise_header

LINEAGE_COLUMNS = (
    "_source",
    "_provider",
    "_delivery_id",
    "_delivery_date",
    "_file",
    "_file_sha256",
    "_record_number",
    "_encoding",
    "_invalid",
    "_loaded_at",
)

TYPES = ("text", "integer", "number", "date", "timestamp", "boolean", "json", "geometry")

__all__ = ["LINEAGE_COLUMNS", "Connector", "ConnectorError", "Contract", "Delivery", "Entity",
           "Field", "Part", "normalise_header", "sha256_bytes"]


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
        """A release with new deliveries of this source waits for the liaison team's sign-off."""
        return bool(self.raw.get("sign_off_required", False))

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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Connector:
    """Reads the formats one source's providers deliver, driven by its contract.

    Subclasses set ``source`` and may override :meth:`parse` for formats that are not plain
    records (report-form workbooks, NGSI, SensorThings).
    """

    source: str
    contract: Contract

    def __init__(self) -> None:
        package = Path(__import__(f"connectors.{self.source}", fromlist=["x"]).__file__).parent
        self.contract = _contract(package / "contract.yml")

    @property
    def raw_tables(self) -> dict[str, str]:
        """Entity -> raw table name."""
        return {e: self.contract.raw_table(e) for e in self.contract.entities}

    # ------------------------------------------------------------------ reading
    def read(self, path: Path, delivery: Delivery) -> dict[str, pa.Table]:
        return self.read_bytes(Path(path).read_bytes(), delivery)

    def read_bytes(self, data: bytes, delivery: Delivery) -> dict[str, pa.Table]:
        """Read a delivered file's bytes into {raw table: typed Arrow table with lineage};
        raise ConnectorError (naming the file and the reason) if they cannot be read."""
        file = delivery.file_name
        if not data.strip():
            raise ConnectorError(file, "the file is empty")
        suffix = Path(file).suffix.lower().lstrip(".")
        if suffix not in self.contract.formats:
            raise ConnectorError(file, f"format .{suffix} is not accepted for {self.source} "
                                       f"(accepted: {', '.join(self.contract.formats)})")
        parts, encoding = self.parse(file, suffix, data)
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        frames: dict[str, list[pl.DataFrame]] = {}
        for part in parts:
            entity = self._entity_of(file, part)
            typed = self.finish(entity.name, self._typed(file, entity, part), delivery)
            frames.setdefault(entity.name, []).append(typed)
        out = {}
        for name, chunks in frames.items():
            frame = pl.concat(chunks, how="vertical")
            frame = frame.with_columns(
                pl.lit(self.source).alias("_source"),
                pl.lit(delivery.provider).alias("_provider"),
                pl.lit(delivery.delivery_id).alias("_delivery_id"),
                pl.lit(delivery.delivery_date, dtype=pl.Date).alias("_delivery_date"),
                pl.lit(file).alias("_file"),
                pl.lit(delivery.sha256).alias("_file_sha256"),
                pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("_record_number"),
                pl.lit(encoding).alias("_encoding"),
                pl.lit(loaded_at, dtype=pl.Datetime("us")).alias("_loaded_at"),
            )
            cols = [f.name for f in self.contract.entities[name].fields] + list(LINEAGE_COLUMNS)
            out[self.contract.raw_table(name)] = frame.select(cols).to_arrow()
        if not out or all(t.num_rows == 0 for t in out.values()):
            raise ConnectorError(file, "no records")
        return out

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[list[Part], str]:
        """Bytes -> parts of text columns named as delivered, and the encoding label."""
        if suffix == "xlsx":
            book = formats.read_xlsx(file, data)
            return self.parse_workbook(file, book), book.encoding
        text, encoding = formats.decode(file, data)
        if suffix in ("csv", "tsv", "txt"):
            return [Part(formats.read_delimited(file, text))], encoding
        if suffix in ("jsonl", "ndjson"):
            return [Part(formats.rows_to_frame(file, formats.read_json_lines(file, text)))], encoding
        if suffix == "geojson":
            rows, _crs = formats.read_geojson(file, text)
            return [Part(formats.rows_to_frame(file, rows))], encoding
        if suffix in ("json", "jsonld"):
            doc = formats.read_json(file, text)
            return [Part(formats.rows_to_frame(file, formats.json_records(file, doc)))], encoding
        raise ConnectorError(file, f"no reader for .{suffix}")

    def parse_workbook(self, file: str, book: formats.Workbook) -> list[Part]:
        """Each sheet holding a table of a known entity becomes a part (report-form aware)."""
        parts = []
        for sheet in book.sheets:
            table = formats.find_table(sheet, self._header_score)
            if table is None or not table.rows:
                continue
            parts.append(Part(formats.table_to_frame(file, table),
                              constants=self.workbook_constants(table)))
        if not parts:
            raise ConnectorError(file, "no sheet has a table with the expected columns "
                                       f"({self._expected_columns()})")
        return parts

    def finish(self, entity: str, frame: pl.DataFrame, delivery: Delivery) -> pl.DataFrame:
        """Last per-source step on a typed frame (e.g. deciding a coordinate system)."""
        return frame

    def workbook_constants(self, table: formats.Table) -> dict[str, Any]:
        """Values a report-form sheet states once (e.g. in its title) for all its rows."""
        return {}

    # ------------------------------------------------------------------ helpers
    def _header_score(self, labels: list[str]) -> int:
        best = 0
        for entity in self.contract.entities.values():
            matched = entity.matched([lab for lab in labels if lab])
            if all(r in matched.values() for r in entity.required):
                best = max(best, len(matched) + 100)
            else:
                best = max(best, len(matched) if len(matched) >= 2 else 0)
        return best

    def _expected_columns(self) -> str:
        return "; ".join(f"{e.name}: {', '.join(e.required)}"
                         for e in self.contract.entities.values())

    def _entity_of(self, file: str, part: Part) -> Entity:
        entities = self.contract.entities
        if part.entity:
            return entities[part.entity]
        base = Path(file).name.lower()
        for entity in entities.values():
            if any(fnmatch.fnmatch(base, pat) for pat in entity.match):
                return entity
        columns = part.frame.columns
        ranked = sorted(entities.values(), key=lambda e: len(e.matched(columns)), reverse=True)

        def present(entity: Entity) -> set[str]:
            return set(entity.matched(columns).values()) | set(part.constants)

        for entity in ranked:
            if all(r in present(entity) for r in entity.required):
                return entity
        closest = ranked[0]
        missing = [r for r in closest.required if r not in present(closest)]
        raise ConnectorError(file, f"required column(s) missing: {', '.join(missing)} "
                                   f"(columns found: {', '.join(columns)[:300]})")

    def _typed(self, file: str, entity: Entity, part: Part) -> pl.DataFrame:
        """Map delivered headers through the allow-list (never into SQL), then type them."""
        frame = part.frame
        renames = entity.matched(frame.columns)
        if part.canonical:
            renames = {c: c for c in frame.columns if c in {f.name for f in entity.fields}}
        missing = [r for r in entity.required
                   if r not in renames.values() and r not in part.constants]
        if missing:
            raise ConnectorError(file, f"required column(s) missing: {', '.join(missing)} "
                                       f"(columns found: {', '.join(frame.columns)[:300]})")
        frame = frame.select([pl.col(c).cast(pl.Utf8).alias(n) for c, n in renames.items()])
        frame = frame.with_columns(
            [pl.lit(None if v is None else str(v), dtype=pl.Utf8).alias(k)
             for k, v in part.constants.items()
             if k in {f.name for f in entity.fields} and k not in frame.columns])
        frame = frame.with_columns(
            [pl.lit(None, dtype=pl.Utf8).alias(f.name) for f in entity.fields
             if f.name not in frame.columns])
        return type_columns(frame, entity.fields, self.contract)


# ---------------------------------------------------------------------------- typing
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d")
_TS_AWARE = ("%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z")
_TS_NAIVE = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%d/%m/%YT%H:%M:%S", "%d/%m/%YT%H:%M",
             "%Y-%m-%d")
_TRUE = ["true", "1", "x", "có", "co", "yes", "y", "đúng"]
_FALSE = ["false", "0", "không", "khong", "no", "n", "sai", ""]


def parse_number(col: pl.Expr, decimal: str = ",") -> pl.Expr:
    """Text -> Float64, reading Vietnamese (1.234,5) and English (1,234.5 / 1234.5) forms.

    With ``decimal=","`` (the Vietnamese default) a lone '.' followed by exactly three digits
    groups thousands (1.234 = 1234); a lone ',' is the decimal mark (1,5 = 1.5).
    """
    s = col.str.strip_chars().str.replace_all(r"[\s\u00a0]", "")
    vi_grouped = r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$"
    en_grouped = r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$"
    comma_decimal = r"^[-+]?\d*,\d+$"
    if decimal == ",":
        s = (pl.when(s.str.contains(vi_grouped)).then(s.str.replace_all(r"\.", "").str.replace(",", "."))
             .when(s.str.contains(en_grouped) & s.str.contains(r"\.")).then(s.str.replace_all(",", ""))
             .when(s.str.contains(comma_decimal)).then(s.str.replace(",", "."))
             .otherwise(s))
    else:
        s = s.str.replace_all(",", "")
    return s.cast(pl.Float64, strict=False)


def _parse(expr: pl.Expr, ftype: str, tz: str, decimal: str) -> pl.Expr:
    s = expr.str.strip_chars()
    if ftype == "number":
        return parse_number(s, decimal)
    if ftype == "integer":
        n = parse_number(s, decimal)
        return pl.when(n == n.round(0)).then(n).cast(pl.Int64, strict=False)
    if ftype == "date":
        plain = s.str.slice(0, 10).str.replace(r"T.*$", "")
        return pl.coalesce([plain.str.strptime(pl.Date, f, strict=False) for f in _DATE_FORMATS])
    if ftype == "timestamp":
        t = s.str.replace(" ", "T").str.replace(r"Z$", "+00:00").str.replace(
            r"([+-]\d{2})(\d{2})$", "${1}:${2}")
        aware = [t.str.strptime(pl.Datetime("us", "UTC"), f, strict=False) for f in _TS_AWARE]
        plain = s.str.replace(" ", "T", literal=True)
        naive = [plain.str.strptime(pl.Datetime("us"), f, strict=False) for f in _TS_NAIVE]
        local = pl.coalesce(naive).dt.replace_time_zone(tz, ambiguous="earliest",
                                                         non_existent="null")
        return pl.coalesce([*aware, local.dt.convert_time_zone("UTC")])
    if ftype == "boolean":
        low = s.str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    return expr  # text, json, geometry stay text


def type_columns(frame: pl.DataFrame, fields: tuple[Field, ...], contract: Contract) -> pl.DataFrame:
    """Cast each field to its contract type; values that do not parse go to ``_invalid``."""
    tz, decimal = contract.timezone, str(contract.raw.get("decimal", ","))
    typed_fields = [f.name for f in fields if f.type not in ("text", "json", "geometry")]
    if not typed_fields:
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("_invalid"))
    originals = [pl.col(n).alias(f"__orig_{n}") for n in typed_fields]
    typed = frame.with_columns(originals).with_columns(
        [_parse(pl.col(f.name), f.type, tz, decimal).alias(f.name)
         for f in fields if f.name in typed_fields])
    fragments = []
    for n in typed_fields:
        orig = pl.col(f"__orig_{n}")
        failed = orig.is_not_null() & (orig.str.strip_chars() != "") & pl.col(n).is_null()
        pair = pl.struct(orig.alias(n)).struct.json_encode().str.strip_chars("{}")
        fragments.append(pl.when(failed).then(pair))
    joined = pl.concat_str(fragments, separator=",", ignore_nulls=True)
    invalid = pl.when(joined != "").then(pl.lit("{") + joined + pl.lit("}"))
    return typed.with_columns(invalid.alias("_invalid")).drop(
        [f"__orig_{n}" for n in typed_fields])

