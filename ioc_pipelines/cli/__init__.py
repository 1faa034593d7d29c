"""``ioc`` — the command line of the IOC lakehouse (see ``ioc --help``).

A door: each command parses its arguments, calls ``ioc_pipelines.core``, prints. One module
per command group; exit codes in ``output.py``."""

from __future__ import annotations

import argparse
import os
import sys

from ioc_pipelines.cli import (
    accounts,
    data,
    live,
    operations,
    output,
    releases,
    reports,
    runs,
    servers,
    setup,
    sharing,
)
from ioc_pipelines.core import storage_failure
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import SettingsError, load_settings

GROUPS = [setup, data, runs, releases, reports, servers, accounts, sharing, live, operations]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ioc", description="IOC lakehouse: land, curate, gate and publish provincial data.",
        epilog=f"exit codes: {output.OK} done, {output.FAILED} not published / files refused, "
        f"{output.USAGE} bad request, {output.BUSY} home busy (--no-wait)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return output.fail(f"configuration: {exc}")
    try:
        return args.func(settings, args)
    except BrokenPipeError:  # `ioc status | head`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return output.OK
    except CoreError as exc:  # a refusal no command caught: said in one line, not a trace
        return output.refuse(exc)
    except Exception as exc:
        # a full disk or an object store that does not answer: the cause in one line
        if (said := storage_failure.describe(settings, exc)) is None:
            raise
        return output.fail(said, output.FAILED)


if __name__ == "__main__":
    sys.exit(main())
