"""The audit log: append-only and hash-chained, in the operational database.

Every state change and every access to data through a door is one entry — time (UTC), actor,
role, door, action, object, source address, outcome and a JSON detail — carrying the hash of
the entry before it. Appends are serialised through the one-row ``audit_head`` (updated first,
so PostgreSQL's row lock or SQLite's write lock orders them), entry ids run 1, 2, 3 … without
gaps, and ``verify`` walks the chain: an edited entry no longer matches its hash, a deleted one
breaks the next link or the head. The chain proves the log was not changed *through the
database*; anchor it outside (``ioc audit verify`` prints the head hash) against someone who
rewrites the whole chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import audit_head, audit_log
from ioc_pipelines.settings import Settings

GENESIS = "0" * 64
FIELDS = ("entry_id", "at", "actor", "role", "via", "action", "object", "address", "outcome",
          "detail", "prev_hash")
OUTCOMES = ("ok", "refused", "failed")


@dataclass(frozen=True)
class Verification:
    entries: int
    head_hash: str
    broken_at: int | None = None  # the first entry whose link does not hold
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def entry_hash(entry: dict) -> str:
    """sha256 of the entry's fields (``FIELDS``) as canonical JSON."""
    canonical = json.dumps({k: entry[k] for k in FIELDS}, ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(settings: Settings, actor: Actor, action: str, obj: str = "", *,
           outcome: str = "ok", detail: dict | None = None, connection=None) -> int:
    """Append one entry; returns its id. With ``connection`` the entry is part of the caller's
    transaction (the change and its entry commit together)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not one of {OUTCOMES}")
    if connection is None:
        with engine(settings).begin() as own:
            return record(settings, actor, action, obj, outcome=outcome, detail=detail,
                          connection=own)
    # the head first: this write takes the lock that orders concurrent appends
    connection.execute(update(audit_head).where(audit_head.c.head_id == 1)
                       .values(last_entry_id=audit_head.c.last_entry_id + 1))
    head = connection.execute(select(audit_head.c.last_entry_id, audit_head.c.last_hash)
                              .where(audit_head.c.head_id == 1)).one()
    entry = {"entry_id": head.last_entry_id,
             "at": datetime.now(UTC).isoformat(timespec="microseconds"),
             "actor": actor.name[:200], "role": actor.role[:16], "via": actor.via[:16],
             "action": action[:64], "object": str(obj)[:500], "address": actor.address[:64],
             "outcome": outcome,
             "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True,
                                  default=str),
             "prev_hash": head.last_hash}
    entry["entry_hash"] = entry_hash(entry)
    connection.execute(audit_log.insert().values(**entry))
    connection.execute(update(audit_head).where(audit_head.c.head_id == 1)
                       .values(last_hash=entry["entry_hash"]))
    return entry["entry_id"]


@contextmanager
def audited(settings: Settings, actor: Actor, action: str, obj: str = "",
            detail: dict | None = None) -> Iterator[dict]:
    """Record ``action`` once the block ends: ``ok``, ``refused`` (the core refused: a
    ``CoreError``, its message kept) or ``failed`` (anything else). The block may add to the
    yielded detail (the release it made, the rows it read)."""
    detail = dict(detail or {})
    try:
        yield detail
    except CoreError as exc:
        record(settings, actor, action, obj, outcome="refused",
               detail={**detail, "error": str(exc)[:1000]})
        raise
    except BaseException as exc:
        record(settings, actor, action, obj, outcome="failed",
               detail={**detail, "error": f"{type(exc).__name__}: {exc}"[:1000]})
        raise
    record(settings, actor, action, obj, detail=detail)


def entries(settings: Settings, *, since: datetime | None = None, actor: str | None = None,
            action: str | None = None, outcome: str | None = None, limit: int | None = None,
            newest_first: bool = False, object_: str | None = None) -> Iterator[dict]:
    """Entries matching the filters (``action`` matches a prefix: ``login`` finds
    ``login.failure``), oldest first unless ``newest_first``."""
    query = select(audit_log)
    if since is not None:
        query = query.where(audit_log.c.at >= since.astimezone(UTC).isoformat())
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action.startswith(action))
    if outcome:
        query = query.where(audit_log.c.outcome == outcome)
    if object_ is not None:
        query = query.where(audit_log.c.object == object_)
    order = audit_log.c.entry_id.desc() if newest_first else audit_log.c.entry_id
    query = query.order_by(order).limit(limit)
    with engine(settings).connect() as connection:
        for row in connection.execute(query).mappings():
            yield dict(row)


def verify(settings: Settings) -> Verification:
    """Walk the whole chain: every id in sequence, every hash recomputed, every link and the
    head matching. Names the first entry where it breaks."""
    previous, expected_id, count = GENESIS, 1, 0
    with engine(settings).connect() as connection:
        head = connection.execute(select(audit_head).where(audit_head.c.head_id == 1)).one()
        for row in connection.execute(select(audit_log).order_by(audit_log.c.entry_id)).mappings():
            entry = dict(row)
            if entry["entry_id"] != expected_id:
                return Verification(count, head.last_hash, expected_id,
                                    f"entry {expected_id} is missing (deleted?)")
            if entry["prev_hash"] != previous:
                return Verification(count, head.last_hash, entry["entry_id"],
                                    "does not link to the entry before it")
            if entry_hash(entry) != entry["entry_hash"]:
                return Verification(count, head.last_hash, entry["entry_id"],
                                    "was changed after it was written (hash does not match)")
            previous, expected_id, count = entry["entry_hash"], expected_id + 1, count + 1
    if head.last_entry_id != count or head.last_hash != previous:
        return Verification(count, head.last_hash, count + 1,
                            f"the head says {head.last_entry_id} entries; the log ends at "
                            f"{count} (entries deleted from the end?)")
    return Verification(count, previous)
