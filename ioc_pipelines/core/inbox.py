"""Uploads held while the home is busy: a door's files are not refused because a run (or a
sign-off, a rollback) holds the home's lock.

Each file is checked at once without the lock (``landing.check_file``: the same refusals, and
for an accepted file what was read), so the provider is answered immediately; the accepted
files wait in ``$IOC_HOME/inbox/<ticket>/`` with who sent them, for which provider and on
which date. They are landed — through the same ``ingest`` as any delivery, audited under the
sender's name — by the next run before it loads anything, or by the portal as soon as the lock
is free. A ticket is written last and removed only after its files were landed: a crash in
between lands them again, which is a no-op (the same content is a duplicate).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from connectors import ConnectorError
from ioc_pipelines.clock import today
from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy
from ioc_pipelines.core.ingest import FileOutcome, audit_files, ingest
from ioc_pipelines.core.landing import check_file
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.core.providers import known_providers
from ioc_pipelines.settings import Settings

TICKET = "ticket.json"


def inbox_dir(settings: Settings) -> Path:
    return settings.home / "inbox"


def hold(settings: Settings, actor: Actor, *, source: str, provider: str,
         paths: list[Path]) -> list[FileOutcome]:
    """Check ``paths`` now and keep the accepted ones for landing when the lock is free.
    Each file is answered: refused with its reason, or ``queued`` with what was read."""
    ticket = inbox_dir(settings) / f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    day = today()
    providers = known_providers(settings)
    outcomes, kept = [], []
    for number, path in enumerate(paths):
        try:
            checked = check_file(settings, source, path, provider=provider, delivery_date=day,
                                 providers=providers)
        except ConnectorError as exc:
            outcomes.append(FileOutcome(str(path), error=exc))
            continue
        target = ticket / str(number) / checked.delivery.file_name
        target.parent.mkdir(parents=True)
        target.write_bytes(checked.data)
        kept.append(str(target.relative_to(ticket)))
        outcomes.append(FileOutcome(str(path), landed=checked.result("queued", "")))
    if kept:
        meta = {"source": source, "provider": provider, "date": day.isoformat(),
                "actor": asdict(actor), "files": kept}
        partial = ticket / f"{TICKET}.part"
        partial.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, ticket / TICKET)  # the ticket exists only once whole
        audit.record(settings, actor, "delivery.queue", source,
                     detail={"provider": provider, "files": len(kept), "ticket": ticket.name})
    # the refusals now; the accepted files again when they land (status landed)
    audit_files(settings, actor, source, [o for o in outcomes if o.error is not None])
    return outcomes


def held(settings: Settings, providers: tuple[str, ...] | None = None) -> list[dict]:
    """The tickets waiting (of ``providers``; None: all), oldest first."""
    out = []
    for path in sorted(inbox_dir(settings).glob(f"*/{TICKET}")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        if providers is None or meta["provider"] in providers:
            out.append({**meta, "ticket": path.parent.name,
                        "names": [Path(f).name for f in meta["files"]]})
    return out


def land_held(settings: Settings) -> int:
    """Land every held upload, each through ``ingest`` under its sender's name (which takes the
    home's lock, or shares the caller's: a run at its start). Returns the tickets landed."""
    done = 0
    for meta in held(settings):
        folder = inbox_dir(settings) / meta["ticket"]
        ingest(settings, meta["source"], [folder / f for f in meta["files"]],
               actor=Actor(**meta["actor"]), provider=meta["provider"],
               delivery_date=date.fromisoformat(meta["date"]))
        shutil.rmtree(folder)
        done += 1
    return done


def land_held_if_free(settings: Settings) -> int:
    """The portal's background step: land held uploads when nothing holds the lock."""
    if not any(inbox_dir(settings).glob(f"*/{TICKET}")):
        return 0
    try:
        with home_lock(settings, Actor("cổng dữ liệu", "web"), "land held uploads", wait=False):
            return land_held(settings)
    except Busy:
        return 0
