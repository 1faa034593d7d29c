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
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa

from connectors import formats, xlsx
from connectors.assemble import LINEAGE_COLUMNS, assemble
from connectors.contract import Contract, Delivery, Entity, Field, Part, _contract
from connectors.errors import ConnectorError
from connectors.headers import normalise_header

# a delivery as parsed: each part with its entity — or why it cannot be read
Parsed = list[tuple[Entity, Part]] | ConnectorError

__all__ = ["LINEAGE_COLUMNS", "ManyReading", "Connector", "ConnectorError", "Contract", "Delivery", "Entity",
           "Field", "Part", "Reading", "normalise_header", "sha256_bytes"]


@dataclass(frozen=True)
class Reading:
    """A delivered file as read: its raw tables, and the delivered columns no field of the
    contract took (left out of the raw tables — said, never silent)."""

    tables: dict[str, pa.Table]
    unused_columns: tuple[str, ...] = ()
    skipped_rows: tuple[str, ...] = ()  # labels of rows that are not records (headings)
    encoding: str = "utf-8"  # as detected (a legacy encoding is converted to Unicode)
    # raw table -> (header as delivered, field it filled) in the file's column order: how the
    # provider's feedback names its columns
    columns: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def records(self) -> dict[str, int]:
        """Records read per raw table (what a provider is told its file held)."""
        return {table: t.num_rows for table, t in self.tables.items()}

    def notice(self) -> str:
        said = []
        if self.unused_columns:
            said.append("columns not used (no field of the contract matches them): "
                        + ", ".join(self.unused_columns))
        if self.skipped_rows:
            shown = "; ".join(self.skipped_rows[:10])
            more = f" and {len(self.skipped_rows) - 10} more" if len(self.skipped_rows) > 10 else ""
            said.append(f"{len(self.skipped_rows)} heading rows not read as records: "
                        f"{shown}{more}")
        return ". ".join(said)


@dataclass(frozen=True)
class ManyReading:
    """Many deliveries read at once: the raw tables of all that could be read, and the
    reason each of the others (by its position) was refused."""

    tables: dict[str, pa.Table]
    refused: dict[int, str]


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
        return self.read_delivery(data, delivery).tables

    def read_delivery(self, data: bytes, delivery: Delivery) -> Reading:
        """:meth:`read_bytes`, also saying which delivered columns were not used."""
        (entities, encoding), = self._parsed([(data, delivery)])
        if isinstance(entities, ConnectorError):
            raise entities
        unused: list[str] = []
        columns: dict[str, list[tuple[str, str]]] = {}
        for entity, part in entities:
            unused += [c for c in self._unused(entity, part) if c not in unused]
            named = columns.setdefault(self.contract.raw_table(entity.name), [])
            for label, name in self._renames(entity, part).items():
                if name not in {n for _label, n in named}:
                    named.append((label, name))
        tables, skipped, counts = assemble(self, [(entities, encoding, delivery)])
        if not counts[0]:
            raise ConnectorError(delivery.file_name, "no records")
        return Reading(tables, tuple(unused), tuple(skipped[0]), encoding,
                       {table: tuple(pairs) for table, pairs in columns.items()})

    def read_many(self, items: list[tuple[bytes, Delivery]]) -> ManyReading:
        """Many small deliveries read at once (the live path's micro-batch of messages): the
        same rows and lineage as :meth:`read_delivery` of each, at a fraction of the cost —
        each is parsed on its own (one that cannot be read is refused alone, with its
        reason), then all are typed together."""
        parsed = self._parsed(items)
        good = [(entities, encoding, delivery)
                for (entities, encoding), (_data, delivery) in zip(parsed, items, strict=True)
                if not isinstance(entities, ConnectorError)]
        refused = {i: entities.reason for i, (entities, _enc) in enumerate(parsed)
                   if isinstance(entities, ConnectorError)}
        tables, _skipped, counts = assemble(self, good) if good else ({}, [], [])
        kept = [i for i in range(len(items)) if i not in refused]
        for index, count in zip(kept, counts, strict=True):
            if not count:
                refused[index] = "no records"
        return ManyReading(tables, refused)

    def _parsed(self, items: list[tuple[bytes, Delivery]]) -> list[tuple[Parsed, str]]:
        """Each delivery's parts, each with its entity (every required field delivered), and
        its encoding — or the :class:`ConnectorError` that refuses it."""
        out: list[tuple[Parsed, str]] = []
        for data, delivery in items:
            file = delivery.file_name
            try:
                if not data.strip():
                    raise ConnectorError(file, "the file is empty")
                suffix = Path(file).suffix.lower().lstrip(".")
                if suffix not in self.contract.formats:
                    raise ConnectorError(file, f"format .{suffix} is not accepted for "
                                               f"{self.source} (accepted: "
                                               f"{', '.join(self.contract.formats)})")
                parts, encoding = self.parse(file, suffix, data)
                entities = []
                for part in parts:
                    entity = self._entity_of(file, part)
                    self.naming(file, entity, part)  # raises if a required field is missing
                    entities.append((entity, part))
                out.append((entities, encoding))
            except ConnectorError as exc:
                out.append((exc, ""))
        return out

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[list[Part], str]:
        """Bytes -> parts of text columns named as delivered, and the encoding label."""
        if suffix == "xlsx":
            book = xlsx.read_xlsx(file, data)
            return self.parse_workbook(file, book), book.encoding
        if suffix in ("csv", "tsv", "txt", "jsonl", "ndjson"):  # large: NFC in the engine
            text, encoding = formats.decode(file, data, normalise=False)
            frame = (formats.read_delimited(file, text) if suffix in ("csv", "tsv", "txt")
                     else formats.json_lines_frame(file, text))
            return [Part(formats.nfc_frame(frame))], encoding
        text, encoding = formats.decode(file, data)
        if suffix == "geojson":
            rows, _crs = formats.read_geojson(file, text)
            return [Part(formats.rows_to_frame(file, rows))], encoding
        if suffix in ("json", "jsonld"):
            doc = formats.read_json(file, text)
            return [Part(formats.rows_to_frame(file, formats.json_records(file, doc)))], encoding
        raise ConnectorError(file, f"no reader for .{suffix}")

    def parse_workbook(self, file: str, book: xlsx.Workbook) -> list[Part]:
        """Each sheet holding a table of a known entity becomes a part (report-form aware)."""
        parts = []
        for sheet in book.sheets:
            table = xlsx.find_table(sheet, self._header_score)
            if table is None or not table.rows:
                continue
            parts.append(Part(xlsx.table_to_frame(file, table),
                              constants=self.workbook_constants(table)))
        if not parts:
            raise ConnectorError(file, "no sheet has a table with the expected columns "
                                       f"({self._expected_columns()})")
        return parts

    def finish(self, entity: str, frame: pl.DataFrame, delivery: Delivery) -> pl.DataFrame:
        """Last per-source step on a typed frame (e.g. deciding a coordinate system). It may
        depend on the delivery's provider, not on the file: deliveries read together
        (:meth:`read_many`) are finished once per provider."""
        return frame

    def not_records(self, entity: str) -> tuple[pl.Expr, str] | None:
        """Rows of a delivered table that are not records (a form's group headings): a mask
        over the typed frame and the column that names them; they are left out and said."""
        return None

    def workbook_constants(self, table: xlsx.Table) -> dict[str, Any]:
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
        raise ConnectorError(file, f"required column(s) missing: {closest.headers(missing)} "
                                   f"(columns found: {', '.join(columns)[:300]})")

    def _renames(self, entity: Entity, part: Part) -> dict[str, str]:
        """Delivered column -> field, through the allow-list."""
        if part.canonical:
            return {c: c for c in part.frame.columns if c in {f.name for f in entity.fields}}
        return entity.matched(part.frame.columns)

    def _unused(self, entity: Entity, part: Part) -> list[str]:
        """Delivered columns that hold values but that no field takes."""
        taken = self._renames(entity, part)
        frame = part.frame
        return [c for c in frame.columns if c not in taken and not c.startswith("_")
                and frame[c].cast(pl.Utf8).str.strip_chars().replace("", None)
                .drop_nulls().len() > 0]

    def naming(self, file: str, entity: Entity, part: Part) -> list[pl.Expr]:
        """How a part's delivered columns become the entity's fields — text, in the
        contract's order — through the allow-list (never into SQL); a part that lacks a
        required field is refused, naming it."""
        renames = self._renames(entity, part)
        missing = [r for r in entity.required
                   if r not in renames.values() and r not in part.constants]
        if missing:
            raise ConnectorError(file, f"required column(s) missing: {entity.headers(missing)} "
                                       f"(columns found: {', '.join(part.frame.columns)[:300]})")
        delivered = {field: column for column, field in renames.items()}
        out = []
        for f in entity.fields:
            if f.name in delivered:
                out.append(pl.col(delivered[f.name]).cast(pl.Utf8).alias(f.name))
            else:
                value = part.constants.get(f.name)
                out.append(pl.lit(None if value is None else str(value), dtype=pl.Utf8)
                           .alias(f.name))
        return out
