"""What a long operation reports while it works, for a door to show (the CLI's live line,
later the portal). The core never prints: it calls the listener a door registered."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """One thing that happened: ``kind`` is ``stage`` (a new stage of the operation),
    ``step_start`` / ``step_done`` / ``step_failed`` (a Dagster step), ``asset`` (a table or
    report made), ``check`` (a check evaluated; ``passed``), or ``note`` (anything else)."""

    kind: str
    text: str
    step: str | None = None
    passed: bool | None = None


Listener = Callable[[Progress], None]
_listeners: list[Listener] = []


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    """Send the progress of what runs inside the block to ``listener``."""
    if listener is None:
        yield
        return
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


def report(kind: str, text: str, *, step: str | None = None, passed: bool | None = None) -> None:
    event = Progress(kind, text, step, passed)
    for listener in list(_listeners):
        listener(event)
