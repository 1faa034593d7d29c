"""The live path's spool: every message that arrives (an MQTT publish, an NGSI-LD
notification, a SensorThings page) is written here, durably, *before* it is acknowledged —
a SQLite file under ``$IOC_HOME/live/`` (WAL, synchronous FULL), shared by ``ioc live`` and
``ioc serve``. The micro-batcher takes messages in arrival order and marks them ``done``
(their readings are in the live lake) or ``rejected`` (kept, with the reason)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ioc_pipelines.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    channel TEXT NOT NULL,          -- mqtt | ngsi-ld | sensorthings
    origin TEXT NOT NULL,           -- the MQTT topic, the notifying subscription, the URL
    provider TEXT NOT NULL,
    payload BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'new',  -- new | done | rejected
    reason TEXT,
    batch INTEGER
);
CREATE INDEX IF NOT EXISTS messages_status ON messages (status, seq);
CREATE TABLE IF NOT EXISTS batches (
    batch INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cursors (  -- where a poller is: the newest time it has read
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Message:
    seq: int
    received_at: str
    channel: str
    origin: str
    provider: str
    payload: bytes


def spool_path(settings: Settings) -> Path:
    return settings.home / "live" / "spool.sqlite"


_made: set[Path] = set()  # spools whose schema exists (this process)


def _open(settings: Settings) -> sqlite3.Connection:
    path = spool_path(settings)
    if path not in _made:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")  # a committed message survives a power cut
    if path not in _made:
        con.execute("PRAGMA journal_mode=WAL")  # kept in the file: once is enough
        con.executescript(_SCHEMA)
        _made.add(path)
    return con


def put(settings: Settings, channel: str, origin: str, provider: str, payload: bytes) -> int:
    """Keep one message; returns its sequence number once it is on disk."""
    con = _open(settings)
    try:
        cur = con.execute(
            "INSERT INTO messages (received_at, channel, origin, provider, payload) "
            "VALUES (?, ?, ?, ?, ?)",
            (datetime.now(UTC).isoformat(), channel, origin[:500], provider, payload))
        return int(cur.lastrowid)
    finally:
        con.close()


def take(settings: Settings, limit: int = 10_000) -> list[Message]:
    """The oldest messages not yet written to the live lake, in arrival order."""
    con = _open(settings)
    try:
        rows = con.execute(
            "SELECT seq, received_at, channel, origin, provider, payload FROM messages "
            "WHERE status = 'new' ORDER BY seq LIMIT ?", (limit,)).fetchall()
    finally:
        con.close()
    return [Message(*row) for row in rows]


def mark_done(settings: Settings, seqs: list[int], batch: int) -> None:
    """Mark messages ``done``: their readings are in the live lake."""
    if not seqs:
        return
    con = _open(settings)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.executemany("UPDATE messages SET status = 'done', batch = ? WHERE seq = ?",
                        [(batch, seq) for seq in seqs])
        con.execute("COMMIT")
    finally:
        con.close()


def reject(settings: Settings, refused: list[tuple[int, str]], batch: int) -> None:
    """Mark messages ``rejected``, each with its reason (kept: nothing is deleted)."""
    if not refused:
        return
    con = _open(settings)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.executemany("UPDATE messages SET status = 'rejected', reason = ?, batch = ? "
                        "WHERE seq = ?", [(reason[:1000], batch, seq) for seq, reason in refused])
        con.execute("COMMIT")
    finally:
        con.close()


def next_batch(settings: Settings) -> int:
    """A new micro-batch's number (every batch gets one, with or without messages)."""
    con = _open(settings)
    try:
        return int(con.execute("INSERT INTO batches (started_at) VALUES (?)",
                               (datetime.now(UTC).isoformat(),)).lastrowid)
    finally:
        con.close()


def counts(settings: Settings) -> dict[str, int]:
    con = _open(settings)
    try:
        return dict(con.execute("SELECT status, count(*) FROM messages GROUP BY status"))
    finally:
        con.close()


def rejected(settings: Settings, limit: int = 50) -> list[tuple[int, str, str, str]]:
    """(seq, channel, origin, reason) of the newest rejected messages."""
    con = _open(settings)
    try:
        return con.execute("SELECT seq, channel, origin, reason FROM messages WHERE status = "
                           "'rejected' ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
    finally:
        con.close()


def cursor(settings: Settings, name: str) -> str | None:
    con = _open(settings)
    try:
        row = con.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def set_cursor(settings: Settings, name: str, value: str) -> None:
    """Move a poller's cursor — after what it read is in the spool, never before."""
    con = _open(settings)
    try:
        con.execute("INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) "
                    "DO UPDATE SET value = excluded.value", (name, value))
    finally:
        con.close()
