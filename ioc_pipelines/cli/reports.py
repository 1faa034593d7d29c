"""Reports: ``ioc report``, ``ioc reports``, ``ioc quality-report``, ``ioc rejection-report``."""

from __future__ import annotations

import json
from pathlib import Path

from ioc_pipelines.cli.output import OK, fail, say
from ioc_pipelines.core import reports
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import Settings

KINDS = ["briefing", "operations", "sector", "population", "dictionary"]


def register(sub) -> None:
    p = sub.add_parser("report", help="render a briefing report (HTML and PDF) from a release")
    p.add_argument("kind", choices=KINDS,
                   help="briefing: socio-economic situation; operations: the IOC's own "
                   "(quarter, half-year, year); sector: one sector for an area; population; "
                   "dictionary: every published table and column explained (the data "
                   "dictionary of the release)")
    p.add_argument("--release", type=int, default=None,
                   help="the release to read (default: the current one); the same kind, "
                   "period and release give the same bytes")
    p.add_argument("--period", default=None,
                   help="2026-W47, 2026-10, 2026-Q3, 2026-H1, 2026 or 2026-03-01..2026-05-15 "
                   "(default: last month; operations: last quarter)")
    p.add_argument("--sector", default=None, help="sector view: health, education, transport, "
                   "environment, public_order, social_welfare")
    p.add_argument("--area", default=None, help="sector view: commune:03388, "
                   "radius:LON,LAT,KM or polygon:POLYGON((lon lat, …))")
    p.add_argument("--no-pdf", action="store_true", help="HTML only (no Chromium needed)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("reports", help="list the reports stored on the object store")
    p.add_argument("--kind", default=None, help="only this kind (briefing, operations, …)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("quality-report", help="the liaison team's HTML quality report of a "
                       "release (default: the current one) or a candidate")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--release", type=int, default=None)
    group.add_argument("--candidate", type=int, default=None)
    p.set_defaults(func=cmd_quality_report)

    p = sub.add_parser("rejection-report", help="the provider's feedback per delivery: rejected "
                       "records with reasons and fixes in Vietnamese, records kept with a "
                       "warning, columns not read (HTML, CSV and Excel)")
    p.add_argument("--provider", help="only this provider (e.g. CA_TINH, SYT, XA_03388)")
    p.add_argument("--delivery", help="only this delivery id")
    p.set_defaults(func=cmd_rejection_report)


def cmd_report(settings: Settings, args) -> int:
    """A briefing (socio-economic, IOC operations, sector view) as HTML and PDF, or the
    population table, from one release (default: the current one)."""
    try:
        if args.kind not in ("population", "dictionary"):
            period = reports.parse_period(args.period, args.kind)
            say(f"{args.kind} report, {period.name_vi} ({period.code}) …")
        made = reports.render(settings, args.kind, period=args.period, release=args.release,
                              sector=args.sector, area=args.area, pdf=not args.no_pdf)
    except CoreError as exc:
        return fail(str(exc))
    if made.kind in ("population", "dictionary"):
        say(f"release {made.release_id}: {made.html} (object {made.key})")
        return OK
    say(f"release {made.release_id}: {made.html}")
    if made.pdf:
        say(f"PDF: {made.pdf}")
    say(f"object store: {made.bucket}/{made.key}" + (" (and .pdf)" if made.pdf else ""))
    return OK


def cmd_reports(settings: Settings, args) -> int:
    """The reports stored on the object store, by kind and period."""
    found = reports.list_reports(settings, args.kind)
    if args.json:
        say(json.dumps(found, ensure_ascii=False, indent=2))
        return OK
    if not found:
        say("no reports yet: `ioc report briefing --period 2026-10` makes one")
        return OK
    for r in found:
        say(f"{r['kind']:<11} {r['period']:<24} {r['size']:>9,} B  {r['key']}")
    say(f"{len(found)} files in bucket {settings.published_bucket}")
    return OK


def cmd_quality_report(settings: Settings, args) -> int:
    try:
        made = reports.quality_report(settings, release=args.release, candidate=args.candidate)
    except CoreError as exc:
        return fail(str(exc))
    overall = ", ".join(f"{p} {share:.1%}" for p, share in made.summary["overall"].items())
    say(f"{made.title}: {made.html} (object {made.key}; {overall})")
    return OK


def cmd_rejection_report(settings: Settings, args) -> int:
    try:
        made = reports.rejection_reports(settings, provider=args.provider,
                                         delivery=args.delivery)
    except CoreError as exc:
        return fail(str(exc))
    if not made:
        say("Nothing to tell a provider (no rejected record, none kept with a warning, "
            "nothing left unread)" + (f" for {args.provider}" if args.provider else "") + ".")
        return OK
    for r in made:
        say(f"{r.provider:<12} {r.delivery_id:<40} {r.records:>6} rejected {r.kept:>6} kept "
            f"with a warning {len(r.notices):>3} notices  {r.local_dir / Path(r.xlsx_key).name}")
    return OK
