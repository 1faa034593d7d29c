"""How the ``ioc`` command speaks: plain lines on stdout, errors on stderr as ``ioc: error:``,
exit codes, and the quiet mode of long commands (everything else into the log file)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

from ioc_pipelines.core.errors import Busy, CoreError, describe_holder

OK = 0
FAILED = 1  # the gate blocked, a step failed, a file was refused
USAGE = 2  # a bad request (unknown object, wrong state, bad value): nothing was done
BUSY = 3  # another operation holds the home (--no-wait)


# control characters other than newline and tab: a file name or a delivered value carrying
# ESC sequences or a carriage return must not drive the terminal
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), never sent."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def say(msg: str = "", stream: TextIO | None = None) -> None:
    print(printable(msg), file=stream or sys.stdout, flush=True)


def warn(msg: str) -> None:
    """A line on stderr prefixed ``ioc: `` (a file refused among others delivered)."""
    print(printable(f"ioc: {msg}"), file=sys.stderr, flush=True)


def fail(msg: str, code: int = USAGE) -> int:
    print(printable(f"ioc: error: {msg}"), file=sys.stderr, flush=True)
    return code


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD (a bad one is a usage error, exit 2)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {printable(text)!s} (write it YYYY-MM-DD)") from None


def waiting(holder: dict, stream: TextIO | None = None) -> None:
    """Said once when a command waits for the home's lock."""
    print(f"ioc: waiting for {describe_holder(holder)} to finish …",
          file=stream or sys.stderr, flush=True)


def attempt(call) -> tuple[object, CoreError | ValueError | None]:
    """``(result, None)`` from ``call()``, or ``(None, the core's refusal)``; nothing is said
    here, so a refusal raised while output is captured is still shown once it is not."""
    try:
        return call(), None
    except (CoreError, ValueError) as exc:
        return None, exc


def refuse(error: Exception, refused: str = "not started") -> int:
    """Say a refusal on stderr: a busy home (exit 3, saying what was ``refused``) or a bad
    request (exit 2)."""
    if isinstance(error, Busy):
        return fail(f"{error} — {refused} (--no-wait)", BUSY)
    return fail(str(error))


def add_wait_flag(parser) -> None:
    parser.add_argument("--no-wait", action="store_true",
                        help="when another run or sign-off holds this home, stop at once "
                        f"(exit code {BUSY}) instead of waiting for it")


@contextmanager
def captured(log_file: Path, enabled: bool = True) -> Iterator[TextIO]:
    """While the block runs, whatever anything writes to stdout or stderr (dbt's output, a
    library's progress bar, a warning) goes to ``log_file``; yields the terminal to speak to."""
    if not enabled:
        yield sys.stdout
        return
    sys.stdout.flush()
    sys.stderr.flush()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8")
    with open(log_file, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            terminal.close()
