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
    """Every loaded delivery with records, its rejected records and its gate."""
    rows = con.execute(f"""
        SELECT d.source, d.provider, d.delivery_id, d.file_name, d.row_count,
               count(DISTINCT f.record_number) FILTER (WHERE f.is_quarantined) AS rejected
        FROM {at_version('work.ops.deliveries', snapshot)} AS d
        LEFT JOIN {at_version('work.validated.rule_findings', snapshot)} AS f
            ON f.delivery_id = d.delivery_id AND f.file_name = d.file_name
        WHERE d.status = 'loaded' AND d.row_count > 0
        GROUP BY ALL
        ORDER BY d.source, d.provider, d.delivery_id, d.file_name""").fetchall()
    return [DeliveryGate(source, provider, delivery, file, records, rejected,
                         limits[source][0], records >= limits[source][1])
            for source, provider, delivery, file, records, rejected in rows
            if source in limits]
