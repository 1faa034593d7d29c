"""Reading's last step, shared by one delivery and many at once: named text parts ->
typed raw tables with each row's lineage (:meth:`connectors.base.Connector.read_delivery`,
:meth:`~connectors.base.Connector.read_many`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from connectors.values import type_columns

if TYPE_CHECKING:
    from connectors.base import Connector, Parsed
    from connectors.contract import Delivery, Entity, Part

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


def assemble(connector: Connector, items: list[tuple[Parsed, str, Delivery]]
             ) -> tuple[dict[str, pa.Table], list[list[str]], list[int]]:
    """Parsed parts of one or more deliveries -> {raw table: typed Arrow table with each
    row's lineage}, the labels of rows that are not records (per delivery) and how many
    records each delivery gave. Typing runs once over all of them; :meth:`finish` once
    per provider."""
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    frames = _named(connector, [entities for entities, _enc, _d in items])
    providers = [delivery.provider for _e, _enc, delivery in items]
    skipped: list[list[str]] = [[] for _ in items]
    counts = [0] * len(items)
    out = {}
    for name, frame in frames.items():
        entity = connector.contract.entities[name]
        frame = type_columns(frame, entity.fields, connector.contract)
        if len(set(providers)) == 1:
            frame = connector.finish(name, frame, items[0][2])
        else:  # finish decides per provider (e.g. a declared coordinate system)
            frame = pl.concat([
                connector.finish(name, frame.filter(pl.col("__item").is_in(
                    [i for i, p in enumerate(providers) if p == provider])),
                    items[providers.index(provider)][2])
                for provider in dict.fromkeys(providers)], how="vertical"
            ).sort("__item", maintain_order=True)
        rule = connector.not_records(name)
        if rule is not None:
            mask, label = rule
            for index, value in frame.filter(mask).select("__item", label).iter_rows():
                skipped[index].append(str(value) if value is not None else "(blank)")
            frame = frame.filter(~mask)
        for index, count in frame.group_by("__item").len().iter_rows():
            counts[index] += count
        frame = frame.with_columns(
            pl.lit(connector.source).alias("_source"),
            _per_item("_provider", [d.provider for _e, _c, d in items]),
            _per_item("_delivery_id", [d.delivery_id for _e, _c, d in items]),
            _per_item("_delivery_date", [d.delivery_date for _e, _c, d in items], pl.Date),
            _per_item("_file", [d.file_name for _e, _c, d in items]),
            _per_item("_file_sha256", [d.sha256 for _e, _c, d in items]),
            (pl.int_range(1, pl.len() + 1, dtype=pl.Int64) if len(items) == 1 else
             pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("__item"))
            .alias("_record_number"),
            _per_item("_encoding", [enc for _e, enc, _d in items]),
            pl.lit(loaded_at, dtype=pl.Datetime("us")).alias("_loaded_at"),
        )
        cols = [f.name for f in entity.fields] + list(LINEAGE_COLUMNS)
        out[connector.contract.raw_table(name)] = frame.select(cols).to_arrow()
    return out, skipped, counts


def _named(connector: Connector, items: list[list[tuple[Entity, Part]]]
           ) -> dict[str, pl.DataFrame]:
    """Every part's fields as text, one frame per entity in delivery and part order, each
    row tagged with its delivery (``__item``). Parts alike (same entity, columns and
    constants: a batch of messages) are concatenated first and named once."""
    groups: dict[tuple, list[tuple[int, int, Part]]] = {}
    for index, entities in enumerate(items):
        for number, (entity, part) in enumerate(entities):
            key = (entity.name, tuple(part.frame.columns), part.canonical,
                   repr(sorted(part.constants.items())))
            groups.setdefault(key, []).append((index, number, part))
    named: dict[str, list[pl.DataFrame]] = {}
    for (name, *_), members in groups.items():
        entity = connector.contract.entities[name]
        naming = connector.naming("", entity, members[0][2])
        if len(members) == 1:
            index, number, part = members[0]
            frame = part.frame.select(*naming, pl.lit(index, dtype=pl.Int64).alias("__item"),
                                      pl.lit(number, dtype=pl.Int64).alias("__part"))
        else:
            frame = pl.concat([p.frame for _i, _n, p in members], how="vertical_relaxed")
            frame = frame.select(*naming).with_columns(
                pl.Series("__item", [i for i, _n, p in members for _ in range(p.frame.height)],
                          dtype=pl.Int64),
                pl.Series("__part", [n for _i, n, p in members for _ in range(p.frame.height)],
                          dtype=pl.Int64))
        named.setdefault(name, []).append(frame)
    return {name: chunks[0] if len(chunks) == 1 else
            pl.concat(chunks, how="vertical").sort("__item", "__part", maintain_order=True)
            for name, chunks in named.items()}


def _per_item(name: str, values: list, dtype: pl.DataType | None = None) -> pl.Expr:
    """A lineage column whose value is its delivery's: a constant when all rows come from
    one delivery, else each row's value looked up by its ``__item``."""
    if len(set(values)) == 1:
        return pl.lit(values[0], dtype=dtype).alias(name)
    return pl.lit(pl.Series(name, values, dtype=dtype)).gather(pl.col("__item")).alias(name)
