"""One lock per home: one state-changing operation at a time (a run, a sign-off, a rollback,
a delivery). A second one waits — saying for whom — or, asked not to wait, is refused with
:class:`~ioc_pipelines.core.errors.Busy`; it never reaches the lakes to fail on a catalog
lock. The lock is an ``flock`` on ``$IOC_HOME/ioc.lock``: the kernel releases it when the
holder dies, so a killed run never leaves a stale lock behind."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy
from ioc_pipelines.settings import Settings

_held = threading.local()  # re-entrant within one thread: a run that approves holds it once


@contextmanager
def home_lock(settings: Settings, actor: Actor, purpose: str, *, wait: bool = True,
              on_wait: Callable[[dict], None] | None = None) -> Iterator[None]:
    """Hold the home's lock for ``purpose``; ``on_wait(holder)`` is called once before
    waiting for another holder."""
    if getattr(_held, "home", None) == str(settings.home):
        yield
        return
    settings.home.mkdir(parents=True, exist_ok=True)
    with file_lock(settings.home / "ioc.lock", actor, purpose, wait=wait, on_wait=on_wait):
        _held.home = str(settings.home)
        try:
            yield
        finally:
            _held.home = None


@contextmanager
def file_lock(path: Path, actor: Actor, purpose: str, *, wait: bool = True,
              on_wait: Callable[[dict], None] | None = None) -> Iterator[None]:
    """An ``flock`` on ``path`` holding who has it (purpose, actor, pid, since); not
    waiting, a held lock is :class:`Busy` with its holder."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            if not wait:
                raise Busy(holder) from None
            if on_wait is not None:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        _write(fd, {"purpose": purpose, "actor": actor.name, "pid": os.getpid(),
                    "since": datetime.now().astimezone().isoformat(timespec="seconds")})
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def holder(settings: Settings) -> dict | None:
    """Who holds the lock now (None when nobody does)."""
    path = settings.home / "ioc.lock"
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read(fd: int) -> dict:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        return json.loads(os.read(fd, 4096) or b"{}")
    except ValueError:
        return {}


def _write(fd: int, info: dict) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(info).encode())
