"""What a candidate would change in the shared warehouse: per published mart, the rows added,
removed and changed against the current release — matched on the mart's grain (``meta.grain``
in its YAML) — and the figures that moved most, with before → after. What a reviewer reads
before signing off.

The candidate is the work lake at its snapshot, the release the published lake at its
version (both time travel), so the diff is exactly what approving would publish. A mart whose
grain is not unique on either side is compared row for row only (added / removed), and says
so, rather than matching rows wrongly."""

from __future__ import annotations

from dataclasses import dataclass, field

from ioc_pipelines.core import state
from ioc_pipelines.core.candidates import get_candidate
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.publishing import (
    current_release,
    mart_grains,
    quote_ident,
    release_table,
)
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
           "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")


@dataclass
class Move:
    key: dict
    measure: str
    before: float | None
    after: float | None


@dataclass
class MartDiff:
    name: str
    grain: tuple[str, ...]
    rows_before: int
    rows_after: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    moves: list[Move] = field(default_factory=list)
    note: str = ""

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def candidate_diff(settings: Settings, candidate_id: int, *, top: int = 8) -> list[MartDiff]:
    """Per published mart, candidate ``candidate_id`` against the current release."""
    candidate = get_candidate(settings, candidate_id)
    if candidate is None:
        raise CoreError(f"không có ứng viên phát hành {candidate_id}")
    release = current_release(settings)
    diffs = []
    with connect(settings, published=release is not None) as con:
        for name, grain in sorted(mart_grains().items()):
            after = state.at_version(f"work.marts.{quote_ident(name)}", candidate.work_snapshot)
            before = (f"(SELECT * FROM {release_table(name, release.id)})"
                      if release and name in release.tables else None)
            diffs.append(_mart_diff(con, name, grain, before, after, top))
    return diffs


def _columns(con, relation: str) -> dict[str, str]:
    con.execute(f"SELECT * FROM {relation} LIMIT 0")
    return {c[0]: str(c[1]) for c in con.description}


def _count(con, relation: str) -> int:
    return con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]


def _unique(con, relation: str, grain: tuple[str, ...]) -> bool:
    keys = ", ".join(quote_ident(c) for c in grain)
    return con.execute(f"SELECT count(*) = count(DISTINCT ({keys})) FROM {relation}"
                       ).fetchone()[0]


def _mart_diff(con, name, grain, before, after, top) -> MartDiff:
    rows_after = _count(con, after)
    if before is None:
        return MartDiff(name, grain, 0, rows_after, added=rows_after,
                        note="bảng mới (chưa có trong bản phát hành hiện tại)")
    rows_before = _count(con, before)
    after_cols = _columns(con, after)
    shared = [c for c, t in _columns(con, before).items()
              if c in after_cols and "GEOMETRY" not in t.upper() and t.upper() != "BLOB"]
    listed = ", ".join(quote_ident(c) for c in shared)
    if not grain or not set(grain) <= set(shared) or not (
            _unique(con, before, grain) and _unique(con, after, grain)):
        added = con.execute(f"SELECT count(*) FROM (SELECT {listed} FROM {after} EXCEPT ALL "
                            f"SELECT {listed} FROM {before})").fetchone()[0]
        removed = con.execute(f"SELECT count(*) FROM (SELECT {listed} FROM {before} EXCEPT ALL "
                              f"SELECT {listed} FROM {after})").fetchone()[0]
        return MartDiff(name, grain, rows_before, rows_after, added, removed,
                        note="so sánh theo dòng (bảng không có khóa duy nhất)")
    on = " AND ".join(f"a.{quote_ident(c)} IS NOT DISTINCT FROM b.{quote_ident(c)}"
                      for c in grain)
    values = [c for c in shared if c not in grain]
    differs = " OR ".join(f"a.{quote_ident(c)} IS DISTINCT FROM b.{quote_ident(c)}"
                          for c in values) or "false"
    added, removed, changed = _counts(con, before, after, on, differs)
    measures = [c for c in values if after_cols[c].upper().startswith(NUMERIC)
                and not c.endswith(("_code", "_id", "_year", "year"))]
    return MartDiff(name, grain, rows_before, rows_after, added, removed, changed,
                    _moves(con, before, after, grain, on, measures, top))


def _counts(con, before, after, on, differs) -> tuple[int, int, int]:
    return con.execute(
        f"SELECT count(*) FILTER (WHERE b_row IS NULL), count(*) FILTER (WHERE a_row IS NULL), "
        f"count(*) FILTER (WHERE a_row IS NOT NULL AND b_row IS NOT NULL AND ({differs})) "
        f"FROM (SELECT *, true AS a_row FROM {after}) AS a "
        f"FULL JOIN (SELECT *, true AS b_row FROM {before}) AS b ON {on}").fetchone()


def _moves(con, before, after, grain, on, measures, top) -> list[Move]:
    """The ``top`` changes of a measure between matched rows, largest relative change first
    (a change from or to nothing counts as its size)."""
    if not measures:
        return []
    keys = ", ".join(f"a.{quote_ident(c)} AS {quote_ident(c)}" for c in grain)
    parts = [f"SELECT {keys}, '{m}' AS _measure, b.{quote_ident(m)}::DOUBLE AS _before, "
             f"a.{quote_ident(m)}::DOUBLE AS _after FROM {after} AS a JOIN {before} AS b ON {on} "
             f"WHERE a.{quote_ident(m)} IS DISTINCT FROM b.{quote_ident(m)}" for m in measures]
    cursor = con.execute(
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY "
        "abs(coalesce(_after, 0) - coalesce(_before, 0)) / greatest(abs(coalesce(_before, 0)), 1) "
        f"DESC, _measure LIMIT {int(top)}")
    names = [d[0] for d in cursor.description]
    moves = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        moves.append(Move({c: record[c] for c in grain}, record["_measure"], record["_before"],
                          record["_after"]))
    return moves
