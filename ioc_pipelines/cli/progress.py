"""The live progress of a long command: one status line on a terminal (stage, step, counts,
elapsed — drawn by ``rich``), one line per stage when the output is a file or a pipe."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.status import Status

from ioc_pipelines.cli.output import captured, printable
from ioc_pipelines.core.progress import Progress, listening


class Display:
    """A listener for ``core.progress``: call ``start()``, pass it to ``listening``, ``stop()``."""

    def __init__(self, stream: TextIO):
        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.live = self.console.is_terminal
        self.started = time.monotonic()
        self.stage, self.step = "", ""
        self.assets = self.checks = self.failed_checks = 0
        self._status: Status | None = None

    def start(self) -> Display:
        if self.live:
            self._status = self.console.status(self._line())
            self._status.start()
        return self

    def stop(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def __call__(self, event: Progress) -> None:
        if event.kind == "stage":
            self.stage, self.step = event.text, ""
            if not self.live:
                self.console.print(printable(f"· {event.text}"), markup=False, highlight=False)
        elif event.kind == "step_start":
            self.step = event.text
        elif event.kind == "asset":
            self.assets += 1
        elif event.kind == "check":
            self.checks += 1
            self.failed_checks += event.passed is False
        elif event.kind == "step_failed" and not self.live:
            self.console.print(printable(f"  step {event.text} failed"), markup=False,
                               highlight=False)
        if self._status is not None:
            self._status.update(self._line())

    def _line(self) -> str:
        elapsed = int(time.monotonic() - self.started)
        parts = [self.stage or "starting"]
        if self.step:
            parts.append(self.step)
        parts.append(f"{self.assets} tables/reports, {self.checks} checks"
                     + (f" ({self.failed_checks} failed)" if self.failed_checks else ""))
        parts.append(f"{elapsed // 60}:{elapsed % 60:02d}")
        return " — ".join(parts).replace("[", r"\[")


@contextmanager
def long_running(log_file: Path, verbose: bool) -> Iterator[TextIO]:
    """Quiet (the log file takes everything) with a live display, or ``verbose``: every log
    line live; yields the terminal."""
    with captured(log_file, enabled=not verbose) as terminal:
        display = Display(terminal).start()
        try:
            with listening(display):
                yield terminal
        finally:
            display.stop()
