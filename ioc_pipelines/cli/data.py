"""Data in: ``ioc ingest`` (a provider's delivery) and ``ioc demo-data``."""

from __future__ import annotations

from pathlib import Path

from ioc_pipelines.cli.output import (
    FAILED,
    OK,
    add_wait_flag,
    attempt,
    fail,
    iso_date,
    refuse,
    say,
    waiting,
    warn,
)
from ioc_pipelines.core import ingest as core_ingest
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("ingest", help="deliver files of a source into the landing zone")
    p.add_argument("source")
    p.add_argument("files", nargs="+")
    p.add_argument("--provider", help="provider code (default: the file's PROVIDER__ prefix, "
                   "else the contract's)")
    p.add_argument("--date", type=iso_date, help="delivery date YYYY-MM-DD (default: the "
                   "file's YYYY-MM-DD folder, else today)")
    add_wait_flag(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("demo-data", help="generate a demo province with injected defects")
    p.add_argument("--province", help="any of the 34 provinces by code, slug or name (19, "
                   "thai_nguyen, thainguyen, 'Thái Nguyên'); default: IOC_PROVINCE's")
    p.add_argument("--scale", type=float, default=0.02,
                   help="share of the real province (1.0 = ≈0.51 M people for Lai Châu, "
                   "≈1.8 M for Thái Nguyên)")
    p.add_argument("--months", type=int, default=12, help="months of periodic deliveries")
    p.add_argument("--people", type=int, default=None,
                   help="only the population registry, with this many people")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--as-of", type=iso_date,
                   help="date of the newest delivery (default: today)")
    p.add_argument("--out", help="output directory (default: $IOC_HOME/demo)")
    p.add_argument("--ingest", action="store_true",
                   help="also deliver the files to the landing zone")
    p.set_defaults(func=cmd_demo_data)


def cmd_ingest(settings: Settings, args) -> int:
    outcomes, error = attempt(lambda: core_ingest.ingest(
        settings, args.source, [Path(f) for f in args.files], actor=Actor.os_user(),
        provider=args.provider, delivery_date=args.date, wait=not args.no_wait,
        on_wait=waiting))
    if error is not None:
        return refuse(error, refused="nothing delivered")
    for outcome in outcomes:
        if outcome.error is not None:
            warn(f"rejected {outcome.error}")
            continue
        landed = outcome.landed
        suffix = f" ({landed.detail})" if landed.detail else ""
        say(f"{landed.status}: {outcome.file} -> {landed.key} [{landed.delivery_id}]{suffix}")
    return FAILED if any(o.error for o in outcomes) else OK


def cmd_demo_data(settings: Settings, args) -> int:
    out = Path(args.out) if args.out else settings.demo_dir
    args.province = args.province or core_ingest.province_slug(settings)
    if args.people is None:
        say(f"generating {args.province} (scale {args.scale}, {args.months} months, seed "
            f"{args.seed}) under {out} …")
    try:
        summary = core_ingest.generate_demo(
            settings, province=args.province, scale=args.scale, months=args.months,
            seed=args.seed, as_of=args.as_of, out=out, people=args.people, log=say)
    except (CoreError, ValueError) as exc:
        return fail(str(exc))
    if summary.people is not None:
        say(f"generated {summary.people} people under {out}")
    else:
        for source, s in summary.by_source.items():
            say(f"  {source:<13} {s['files']:4} files {s['records']:>10,} records  "
                f"({s['late']} late)")
        say(f"missing deliveries: {summary.missing}; injected defects: {summary.defects} of "
            f"{summary.defect_types} types; {summary.seconds} s")
        say(f"landing files: {out / 'landing'}")
        say(f"truth: {summary.manifest}")
    if not args.ingest:
        return OK
    failures = 0
    for delivered in core_ingest.deliver_folder(settings, out, actor=Actor.os_user()):
        failures += len(delivered.rejected)
        say(f"  delivered {delivered.source:<13} {delivered.landed:4} new of {delivered.files} "
            "files" + (f", {len(delivered.rejected)} rejected" if delivered.rejected else ""))
        for error in delivered.rejected:
            warn(f"rejected {error}")
    return FAILED if failures else OK
