"""``ioc sharing …``: what is shareable and what each agency receives, and the admin's
decisions on agencies' requests (approve until a date, refuse with a reason, revoke) — the
same core functions as the portal's admin page, recorded under the operator's name."""

from __future__ import annotations

from datetime import date

from ioc_pipelines.cli.output import OK, attempt, refuse, say
from ioc_pipelines.core import accounts, datasets, grants
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.government import make_packet
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("sharing", help="datasets shared with agencies: the list, requests, "
                       "approve / refuse / revoke (see docs/sharing.md)")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("datasets", help="every shareable dataset, marking the default list"
                     ).set_defaults(func=cmd_datasets)
    v = verbs.add_parser("grants", help="what one agency account receives now")
    v.add_argument("username")
    v.set_defaults(func=cmd_grants)
    v = verbs.add_parser("requests", help="agencies' requests, waiting ones first")
    v.add_argument("--status", choices=("requested", "approved", "refused", "revoked"))
    v.set_defaults(func=cmd_requests)
    v = verbs.add_parser("approve", help="grant a waiting request until a date")
    v.add_argument("request_id", type=int)
    v.add_argument("--until", required=True, type=date.fromisoformat,
                   help="last day of the grant (YYYY-MM-DD)")
    v.set_defaults(func=cmd_approve)
    for verb, text in (("refuse", "refuse a waiting request"),
                       ("revoke", "take a granted dataset back at once")):
        v = verbs.add_parser(verb, help=text)
        v.add_argument("request_id", type=int)
        v.add_argument("--reason", required=True, help="why (the agency reads it)")
        v.set_defaults(func=cmd_refuse if verb == "refuse" else cmd_revoke)
    v = verbs.add_parser("government", help="the indicators data packet of a period for the "
                         "Government's reporting system (QCVN 125:2021/BTTTT layout)")
    v.add_argument("--period", required=True, help="2026-10, 2026-Q3, 2026-H1 or 2026")
    v.add_argument("--release", type=int, default=None, help="default: the current release")
    v.set_defaults(func=cmd_government)


def cmd_datasets(settings: Settings, args) -> int:
    default, error = attempt(lambda: set(grants.default_datasets(settings)))
    if error is not None:
        return refuse(error)
    for name, ds in datasets.all_datasets().items():
        mark = "default   " if name in default else "on request"
        say(f"{name:<34} {mark} {'map layer ' if ds.is_layer else '          '} {ds.title}")
    return OK


def cmd_grants(settings: Settings, args) -> int:
    account, error = attempt(lambda: accounts.get(settings, args.username))
    if error is not None:
        return refuse(error)
    found, error = attempt(lambda: grants.grants(settings, account))
    if error is not None:
        return refuse(error)
    if not found:
        say(f"{account.username} ({account.role}, {account.status}) receives nothing.")
    for name, grant in found.items():
        say(f"{name:<34} " + ("default" if grant.by_default else
                              f"request {grant.request_id}, until {grant.ends_on}"))
    return OK


def cmd_requests(settings: Settings, args) -> int:
    found = grants.list_requests(settings, status=args.status)
    found.sort(key=lambda r: (r.state() != "requested", -r.request_id))
    for r in found:
        say(f"{r.request_id:>5} {r.state():<9} {r.username:<20} {r.dataset:<30} "
            f"{r.period:<12} {r.purpose} — {r.legal_basis}"
            + (f" (until {r.ends_on})" if r.ends_on else "")
            + (f" [{r.reason}]" if r.reason else ""))
    return OK


def _done(made, error) -> int:
    if error is not None:
        return refuse(error)
    say(f"Request {made.request_id} ({made.dataset} for {made.username}): {made.state()}"
        + (f" until {made.ends_on}" if made.ends_on and made.status == "approved" else "")
        + ".")
    return OK


def cmd_approve(settings: Settings, args) -> int:
    return _done(*attempt(lambda: grants.decide(settings, Actor.os_user(), args.request_id,
                                                approve=True, ends_on=args.until)))


def cmd_refuse(settings: Settings, args) -> int:
    return _done(*attempt(lambda: grants.decide(settings, Actor.os_user(), args.request_id,
                                                approve=False, reason=args.reason)))


def cmd_revoke(settings: Settings, args) -> int:
    return _done(*attempt(lambda: grants.revoke(settings, Actor.os_user(), args.request_id,
                                                reason=args.reason)))


def cmd_government(settings: Settings, args) -> int:
    made, error = attempt(lambda: make_packet(settings, args.period, args.release))
    if error is not None:
        return refuse(error)
    say(f"{made.indicators} indicators of {made.period} from release {made.release_id}: "
        f"{made.path}")
    return OK
