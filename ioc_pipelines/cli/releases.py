"""``ioc releases``, ``ioc approve``, ``ioc reject``, ``ioc publish`` (rollback)."""

from __future__ import annotations

from ioc_pipelines.cli.output import OK, add_wait_flag, attempt, refuse, say, waiting
from ioc_pipelines.cli.progress import long_running
from ioc_pipelines.cli.runs import print_reports
from ioc_pipelines.core import releases
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.runs import new_log_file
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    sub.add_parser("releases", help="list published releases").set_defaults(func=cmd_releases)

    p = sub.add_parser("publish", help="rollback: publish an earlier release again as the "
                       "current one (recorded as a new release)")
    p.add_argument("--release", type=int, required=True, help="the release to serve again")
    p.add_argument("--by", required=True, help="who decides (recorded in the release)")
    p.add_argument("--reason", help="why (recorded in the release)")
    add_wait_flag(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("approve", help="sign a candidate release off and publish it")
    p.add_argument("candidate", type=int, help="candidate number (ioc status / ioc releases)")
    p.add_argument("--by", required=True, help="who approves (recorded in the release)")
    p.add_argument("-v", "--verbose", action="store_true", help="show the publish log live")
    add_wait_flag(p)
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("reject", help="keep a candidate release out of the warehouse")
    p.add_argument("candidate", type=int)
    p.add_argument("--by", required=True, help="who rejects (recorded)")
    p.add_argument("--reason", required=True, help="why (recorded)")
    add_wait_flag(p)
    p.set_defaults(func=cmd_reject)


def cmd_releases(settings: Settings, args) -> int:
    found = releases.list_releases(settings)
    if not found:
        say("No release published yet.")
    for r in found:
        tables = f"{len(r.tables)} tables, {sum(r.tables.values()):,} rows"
        origin = (f"republished release {r.info['republished_from']} by {r.author}"
                  + (f" ({r.info['reason']})" if r.info.get("reason") else "")
                  if "republished_from" in r.info else
                  f"run {r.info.get('run_id', '')[:8]}"
                  + (f", candidate {r.info['candidate']}" if "candidate" in r.info else "")
                  + (f", approved by {r.approved_by}" if r.approved_by else ""))
        say(f"{r.id:>5}  {r.published_at:%Y-%m-%d %H:%M:%S}  {r.info.get('code_version', '')}  "
            f"{origin}  {tables}")
    unpublished = [c for c in releases.list_candidates(settings) if c.status != "published"]
    if unpublished:
        say("Candidates not published:")
    for c in unpublished:
        decided = (f" by {c.decided_by}" if c.decided_by else "") + (
            f": {c.reason}" if c.reason else "")
        say(f"  candidate {c.id:>3}  {c.created_at:%Y-%m-%d %H:%M:%S}  run {c.run_id[:8]}  "
            f"{c.status}{decided}  awaiting "
            + (", ".join(f"{s} ({len(ids)})" for s, ids in c.awaiting.items()) or "nothing"))
    return OK


def cmd_approve(settings: Settings, args) -> int:
    """Sign a candidate off: publish it as the new release (same path as a run: release,
    quality report, population report, briefing), recording who approved."""
    log_file = new_log_file(settings, "approve")
    with long_running(log_file, args.verbose) as terminal:
        done, error = attempt(lambda: releases.approve(
            settings, args.candidate, actor=Actor.named(args.by), wait=not args.no_wait,
            console=args.verbose, on_wait=lambda h: waiting(h, terminal)))
    if error is not None:
        return refuse(error)
    say(f"Candidate {args.candidate} approved by {args.by}: published release "
        f"{done.release.id} ({len(done.release.tables)} tables).")
    print_reports(done.reports)
    say(f"Full log: {done.log_file}")
    return OK


def cmd_reject(settings: Settings, args) -> int:
    """Keep a candidate out of the warehouse (recorded with who and why)."""
    _, error = attempt(lambda: releases.reject(settings, args.candidate,
                                              actor=Actor.named(args.by), reason=args.reason,
                                              wait=not args.no_wait))
    if error is not None:
        return refuse(error)
    current = releases.current_release(settings)
    say(f"Candidate {args.candidate} rejected by {args.by}: {args.reason}. "
        + (f"Release {current.id} stays current." if current else "Nothing is published."))
    return OK


def cmd_publish(settings: Settings, args) -> int:
    """Rollback: make an earlier release current again (recorded as a new release)."""
    release, error = attempt(lambda: releases.republish(
        settings, args.release, actor=Actor.named(args.by), reason=args.reason or "",
        wait=not args.no_wait))
    if error is not None:
        return refuse(error)
    say(f"Published release {release.id}: the tables of release {args.release} as they were "
        f"({', '.join(f'{k}={v}' for k, v in release.tables.items())}), by {args.by}.")
    return OK
