"""The gate on đúng/sạch: each delivery's rejected share against its contract's limit.

Used by the blocking asset check (``rejected_share_within_gate``) and by the quality report
(which also shows the deliveries closest to their limit). ``at`` reads the work lake as it
was at a snapshot (a candidate's or a release's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryGate:
    source: str
    provider: str
    delivery_id: str
    file_name: str
    records: int
    rejected: int
    limit: float  # max rejected share of the contract
    judged: bool  # at least the contract's min_records: a share that means something

    @property
    def rejected_share(self) -> float:
        return self.rejected / self.records if self.records else 0.0

    @property
    def over(self) -> bool:
        return self.judged and self.rejected_share > self.limit


def at_version(table: str, snapshot: int | None) -> str:
    """A work-lake table now, or as it was at ``snapshot`` (a subquery: joins need one)."""
    if snapshot is None:
        return table
    return f"(SELECT * FROM {table} AT (VERSION => {int(snapshot)}))"


def deliveries_against_gate(con, limits: dict[str, tuple[float, int]],
                            snapshot: int | None = None) -> list[DeliveryGate]:
    """Every loaded delivery with records, its rejected records (dbt model
    ``delivery_rejections``: what counts as rejected is defined there) and its gate."""
    rows = con.execute(f"""
        SELECT source, provider, delivery_id, file_name, records, rejected
        FROM {at_version('work.validated.delivery_rejections', snapshot)}
        ORDER BY source, provider, delivery_id, file_name""").fetchall()
    return [DeliveryGate(source, provider, delivery, file, records, rejected,
                         limits[source][0], records >= limits[source][1])
            for source, provider, delivery, file, records, rejected in rows
            if source in limits]
