"""The audit log is append-only and hash-chained: verify names the first entry that was
edited or deleted behind the core's back, on SQLite and on a real PostgreSQL; concurrent
appends from many threads keep one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, text, update

from ioc_pipelines.cli import main
from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.appdb import engine, revision
from ioc_pipelines.resources.appdb.tables import audit_head, audit_log


def _entries(settings, n=5):
    for i in range(n):
        audit.record(settings, Actor("Nguyễn Văn A", "web", "reviewer", "10.0.0.7"),
                     "candidate.approve", f"candidate {i}", detail={"i": i})


def test_the_chain_verifies_and_each_entry_links_to_the_one_before(app_settings):
    assert revision(app_settings) == "0003"  # accounts and audit, sharing, then alerts
    _entries(app_settings)
    result = audit.verify(app_settings)
    assert result.ok and result.entries == 5
    rows = list(audit.entries(app_settings))
    assert [r["entry_id"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert rows[2]["actor"] == "Nguyễn Văn A" and rows[2]["address"] == "10.0.0.7"
    assert result.head_hash == rows[-1]["entry_hash"]


@pytest.mark.parametrize("tamper, broken_at", [
    (lambda c: c.execute(update(audit_log).where(audit_log.c.entry_id == 3)
                         .values(outcome="refused")), 3),
    (lambda c: c.execute(update(audit_log).where(audit_log.c.entry_id == 2)
                         .values(actor="someone else")), 2),
    (lambda c: c.execute(delete(audit_log).where(audit_log.c.entry_id == 4)), 4),
    # the last entry deleted and the head left alone: the head no longer matches
    (lambda c: c.execute(delete(audit_log).where(audit_log.c.entry_id == 5)), 5),
])
def test_an_edited_or_deleted_entry_is_named(app_settings, tamper, broken_at, capsys,
                                             monkeypatch):
    _entries(app_settings)
    with engine(app_settings).begin() as con:
        tamper(con)
    result = audit.verify(app_settings)
    assert not result.ok and result.broken_at == broken_at, result
    # `ioc audit verify` says so and exits 1
    monkeypatch.setenv("IOC_HOME", str(app_settings.home))
    monkeypatch.setenv("IOC_ENV_FILE", str(app_settings.home / "none.env"))
    if app_settings.app_db.startswith("postgresql"):
        monkeypatch.setenv("IOC_APP_DB", app_settings.app_db)
    assert main(["audit", "verify"]) == 1
    assert f"BROKEN at entry {broken_at}" in capsys.readouterr().out


def test_concurrent_appends_keep_one_chain(app_settings):
    errors = []

    def append(worker):
        try:
            for i in range(15):
                audit.record(app_settings, Actor(f"w{worker}"), "test.append", str(i))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit.verify(app_settings)
    assert result.ok and result.entries == 90
    with engine(app_settings).connect() as con:
        assert con.execute(select(audit_head.c.last_entry_id)).scalar_one() == 90
        assert con.execute(text("SELECT count(DISTINCT actor) FROM audit_log")).scalar_one() == 6


def test_audited_records_ok_refused_and_failed(app_settings):
    actor = Actor("op")
    with audit.audited(app_settings, actor, "thing.do", "x") as detail:
        detail["made"] = 7
    with pytest.raises(CoreError), audit.audited(app_settings, actor, "thing.do", "y"):
        raise CoreError("không được")
    with pytest.raises(ZeroDivisionError), audit.audited(app_settings, actor, "thing.do", "z"):
        _ = 1 / 0
    rows = list(audit.entries(app_settings, action="thing"))
    assert [(r["object"], r["outcome"]) for r in rows] == [
        ("x", "ok"), ("y", "refused"), ("z", "failed")]
    assert '"made": 7' in rows[0]["detail"] and "không được" in rows[1]["detail"]
    assert audit.verify(app_settings).ok
