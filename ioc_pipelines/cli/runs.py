"""``ioc run`` and ``ioc status``: the main job, and the warehouse's state."""

from __future__ import annotations

import json

from ioc_pipelines.cli.output import FAILED, OK, add_wait_flag, attempt, refuse, say, waiting
from ioc_pipelines.cli.progress import long_running
from ioc_pipelines.core import runs
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.status import status as warehouse_status
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("run", help="the main job end to end (demo data if the landing zone "
                       "is empty)")
    p.add_argument("--scale", type=float, default=0.02, help="demo size as a share of the "
                   "province")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--months", type=int, default=3, help="months of demo deliveries")
    p.add_argument("--no-demo", action="store_true", help="never generate demo data")
    p.add_argument("--approve-by", metavar="NAME", default=None,
                   help="sign off this run's candidate as NAME (recorded); without it a "
                   "candidate with new deliveries of sign-off sources waits for `ioc approve`")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="show Dagster's and dbt's log live (it always goes to the log file)")
    p.add_argument("--full", action="store_true",
                   help="run the whole pipeline and build every model whole (the IoT "
                   "readings' QC included, which otherwise only checks the new days), even "
                   "when nothing (or only some sources) is new since the last run that "
                   "published or left a candidate waiting")
    add_wait_flag(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", help="the current release and how to read it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)


def cmd_run(settings: Settings, args) -> int:
    demo = None if args.no_demo else runs.DemoRequest(args.scale, args.months, args.seed)
    log_file = runs.new_log_file(settings, "run")
    with long_running(log_file, args.verbose) as terminal:
        result, error = attempt(lambda: runs.run(
            settings, actor=Actor.os_user(), approve_by=args.approve_by, demo=demo,
            wait=not args.no_wait, console=args.verbose, log_file=log_file,
            on_wait=lambda h: waiting(h, terminal), full=args.full))
    if error is not None:
        return refuse(error)
    _print_result(settings, result)
    say(f"Full log: {result.log_file}")
    return OK if result.outcome in ("published", "waiting_signoff", "unchanged") else FAILED


def _served(release) -> str:
    return (f"The published warehouse still serves release {release.id}." if release
            else "Nothing has been published yet.")


def _print_result(settings: Settings, result: runs.RunResult) -> None:
    if result.demo is not None:
        say(f"Demo data: {sum(s['files'] for s in result.demo.by_source.values())} files, "
            f"{result.demo.defects} injected defects; truth: {result.demo.manifest}")
    if result.outcome == "unchanged":
        last = result.unchanged_since
        came_to = (f"it published release {last['release']}" if last["outcome"] == "published"
                   else "it left a candidate for sign-off")
        say(f"Nothing new since the run {last['run_id'][:8]} of {last['at']:%Y-%m-%d %H:%M} "
            f"({came_to}): no new delivery, the same code, settings and day — nothing built, "
            "nothing published. `ioc run --full` runs anyway.")
        say(_served(result.release))
        return
    if result.outcome in ("blocked", "failed"):
        say()
        say("The run did not publish: " + "; ".join(result.failures or ["see the log"]))
        say(_served(result.release))
        if result.rejections_dir:
            say(f"Rejection reports: {result.rejections_dir}")
        if result.blocked_report:
            say(f"Quality report (what blocked): {result.blocked_report}")
        return
    if result.outcome == "waiting_signoff":
        c = result.candidate
        say()
        say(f"Candidate {c.id} waits for sign-off: new deliveries of "
            + ", ".join(f"{s} ({len(ids)})" for s, ids in c.awaiting.items())
            + " — contracts that require it.")
        say("Quality report to review: "
            + str(runs.quality_report_path(settings, f"candidate-{c.id}")))
        say(f"Review it, then: ioc approve {c.id} --by NAME  "
            f"(or: ioc reject {c.id} --by NAME --reason TEXT)")
        say(_served(result.release))
        return
    release = result.release
    say()
    say(f"Published release {release.id} ({release.published_at:%Y-%m-%d %H:%M:%S}): "
        + ", ".join(f"{k} ({v} rows)" for k, v in release.tables.items()))
    print_reports(result.reports)
    if result.warnings:
        say("Published with warnings: " + "; ".join(result.warnings))
    say(f"Rejection reports: {result.rejections_dir}")
    if result.analyst_attach:
        say(f"Analysts: duckdb -c \"{result.analyst_attach} "
            "SELECT * FROM ioc.population_by_commune_sex_age LIMIT 5\"")
    say("Status: ioc status --json")


def print_reports(reports: runs.PublishedReports) -> None:
    """The reports of a new release (after a run and after a sign-off)."""
    if reports.population:
        say(f"Report: {reports.population}")
    if reports.quality:
        say(f"Quality report: {reports.quality}")
    if reports.briefing:
        say(f"Briefing {reports.briefing_period}: {reports.briefing}"
            + (" (+ .pdf)" if reports.briefing_pdf else ""))
    elif reports.briefing_error:
        say(f"Briefing {reports.briefing_period} not made: {reports.briefing_error}")


def cmd_status(settings: Settings, args) -> int:
    st = warehouse_status(settings)
    if args.json:
        say(json.dumps(st.as_json(), ensure_ascii=False, indent=2))
        return OK
    if st.problem:
        say(f"⚠ {st.problem}")
    last = st.last_run
    if last is not None and last["status"] != "SUCCESS":
        say(f"Last run {last['run_id'][:8]} ({last['started_at'] or '?'}): {last['status']} — "
            "did not publish: " + ("; ".join(last["failures"]) or "see `ioc ui`"))
    if last is not None and last["warnings"]:
        say("Warnings of the last run: " + "; ".join(last["warnings"]))
    for c in st.waiting_candidates:
        say(f"Candidate {c['id']} (run {c['run_id'][:8]}, {c['created_at']}) waits for "
            "sign-off: " + ", ".join(f"{s} ({n} deliveries)" for s, n in c["awaiting"].items())
            + f" — ioc approve {c['id']} --by NAME")
    if st.release is None:
        say("No release published yet. Run `ioc run`.")
        return OK
    if st.republished_from is not None:
        say(f"Current release {st.release} republishes release {st.republished_from} "
            f"(by {st.republished_by}"
            + (f": {st.republish_reason}" if st.republish_reason else "") + ")")
    say(f"Current release: {st.release} (published {st.published_at[:19].replace('T', ' ')}, "
        f"code {st.code_version}, run {st.run_id}"
        + (f", approved by {st.approved_by}" if st.approved_by else "") + ")")
    for name, rows in st.tables.items():
        say(f"  {name}: {rows} rows")
    say(f"Releases so far: {st.releases}")
    if st.embedded:
        say(f"Read it: {st.published_attach}")
    else:
        say("Read it: `ioc status --json` gives the analyst SQL (with the analyst credentials)")
    return OK
