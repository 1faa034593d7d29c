"""Write–audit–publish, the publish step: copy checked marts from the work lake into the
published lake in ONE transaction. That transaction's DuckLake snapshot id is the release id.

Every snapshot of the published lake is a release (nothing else writes there), so an analyst
who attaches without a version sees the current release, and a pinned version is reproducible.

Every run whose blocking checks pass makes a **candidate**: the work lake's snapshot id of the
checked marts, recorded in ``work.ops.release_candidates``. A candidate is published at once
unless a contract with ``sign_off_required`` has deliveries the current release was not
signed off with; then it waits for ``ioc approve`` (published from the work lake as it was
at the candidate's snapshot, by time travel) or ``ioc reject``. Who approved, and which
deliveries, is in the release's commit metadata.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ioc_pipelines import __version__
from ioc_pipelines.resources.lakes import PUBLISHED, connect, sql_literal
from ioc_pipelines.settings import REPO_ROOT, Settings

RELEASE_MESSAGE = "release"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# every mart of the dbt project, published under its own name when the gate passed; marts
# hold no direct identifiers (tests/e2e/test_rules_against_truth.py checks the published lake)
MART_NAMES = [
    "population_by_commune_sex_age", "population_by_commune_ethnicity",
    "population_by_commune_religion", "school_age_cohorts", "births_by_commune_month",
    "policy_beneficiaries_by_commune", "housing_poverty_by_commune", "housing_support_map",
    "permits_by_commune_month", "indicators_vs_plan", "budget_by_period",
    "investment_disbursement", "enterprises_by_month", "feedback_handling", "iot_hourly",
    "pm25_exceedance_days", "pm25_exceedance_events", "water_level_events", "sensor_health",
    "dim_admin_units", "dim_indicators", "dim_providers", "dim_sensors", "quality_scorecard",
]
SCORECARD_KEY = ("source", "provider_code", "commune_code", "period", "measure", "principle")

CANDIDATES_DDL = """
CREATE SCHEMA IF NOT EXISTS work.ops;
CREATE TABLE IF NOT EXISTS work.ops.release_candidates (
    candidate_id INTEGER, work_snapshot BIGINT, run_id VARCHAR, created_at TIMESTAMP,
    status VARCHAR, awaiting VARCHAR, checks VARCHAR, decided_by VARCHAR,
    decided_at TIMESTAMP, reason VARCHAR, release_id BIGINT
);
"""

# runs the gate stopped (recorded by the blocked run's report job): the IOC operations report
# counts them, a briefing made meanwhile says it uses the latest good release
BLOCKED_RUNS_DDL = """
CREATE SCHEMA IF NOT EXISTS work.ops;
CREATE TABLE IF NOT EXISTS work.ops.blocked_runs (
    run_id VARCHAR, started_at TIMESTAMP, recorded_at TIMESTAMP, failures VARCHAR
);
"""


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Release:
    id: int
    published_at: datetime
    author: str | None
    info: dict = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, int]:
        return self.info.get("tables", {})


def code_version() -> str:
    """Package version plus the git commit of the checkout (when there is one)."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish_tables(settings: Settings, tables: dict[str, str], *, run_id: str,
                   checks: dict | None = None, author: str = "ioc-pipeline",
                   extra: dict | None = None, exact: bool = False) -> Release:
    """Copy ``{published_name: source}`` into the published lake atomically.

    A source is a work-lake table (``'work.<schema>.<table>'``) or any relation SQL (a past
    release: ``published.main."t" AT (VERSION => 3)``). With ``exact`` the release holds these
    tables only: published tables not named are dropped in the same transaction."""
    if not tables:
        raise PublishError("nothing to publish")
    with connect(settings, work=True, published=True, published_read_only=False) as con:
        counts = {}
        con.execute("BEGIN TRANSACTION")
        try:
            for name, source in tables.items():
                con.execute(f"CREATE OR REPLACE TABLE {PUBLISHED}.main.{_quote_ident(name)} AS "
                            f"SELECT * FROM {_relation(source)}")
                counts[name] = con.execute(
                    f"SELECT count(*) FROM {PUBLISHED}.main.{_quote_ident(name)}").fetchone()[0]
            if exact:
                for (name,) in con.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                        "AND schema_name = 'main'", [PUBLISHED]).fetchall():
                    if name not in tables:
                        con.execute(f"DROP TABLE {PUBLISHED}.main.{_quote_ident(name)}")
            info = {
                "run_id": run_id,
                "code_version": code_version(),
                "tables": counts,
                "checks": checks or {},
                **(extra or {}),
            }
            con.execute(
                f"CALL {PUBLISHED}.set_commit_message({sql_literal(author)}, "
                f"{sql_literal(RELEASE_MESSAGE)}, extra_info => {sql_literal(json.dumps(info))})"
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        release_id = con.execute(
            f"SELECT id FROM {PUBLISHED}.last_committed_snapshot()").fetchone()[0]
    release = get_release(settings, release_id)
    if release is None:
        raise PublishError(f"snapshot {release_id} was committed but is not readable")
    return release


def _relation(source: str) -> str:
    if source.startswith("work.") and " " not in source:
        schema, table = source.split(".", 2)[1:]
        return f"work.{_quote_ident(schema)}.{_quote_ident(table)}"
    return source


def scorecard_with_change(settings: Settings, previous: Release | None,
                          current: str = "work.marts.quality_scorecard") -> str:
    """The scorecard as published: ``current`` (a table or relation), with the previous
    release's share of the same cell and the change since (null for a cell the previous
    release did not have, and for all when the previous release had no scorecard or one of
    another shape)."""
    if (previous is None or "quality_scorecard" not in previous.tables
            or not {*SCORECARD_KEY, "pass_share"} <= _previous_columns(settings, previous)):
        return (f"(SELECT *, NULL::DOUBLE AS previous_pass_share, "
                f"NULL::DOUBLE AS change_since_previous FROM {current})")
    joined = " AND ".join(f"cur.{c} IS NOT DISTINCT FROM prev.{c}" for c in SCORECARD_KEY)
    return (f"(SELECT cur.*, prev.pass_share AS previous_pass_share, "
            f"round(cur.pass_share - prev.pass_share, 4) AS change_since_previous "
            f"FROM {current} AS cur LEFT JOIN (SELECT * FROM {PUBLISHED}.main.quality_scorecard "
            f"AT (VERSION => {int(previous.id)})) AS prev ON {joined})")


def _previous_columns(settings: Settings, previous: Release) -> set[str]:
    with connect(settings, work=False, published=True) as con:
        con.execute(f"SELECT * FROM {PUBLISHED}.main.quality_scorecard "
                    f"AT (VERSION => {int(previous.id)}) LIMIT 0")
        return {column[0] for column in con.description}


def mart_tables(settings: Settings, work_snapshot: int | None = None) -> dict[str, str]:
    """``{published name: relation}`` of every mart, from the work lake now or as it was at
    ``work_snapshot``; the scorecard with its change since the current release."""
    def relation(name: str) -> str:
        if work_snapshot is None:
            return f"work.marts.{name}"
        return f"(SELECT * FROM work.marts.{_quote_ident(name)} AT (VERSION => {int(work_snapshot)}))"

    tables = {name: relation(name) for name in MART_NAMES}
    tables["quality_scorecard"] = scorecard_with_change(
        settings, current_release(settings), relation("quality_scorecard"))
    return tables


# ---------------------------------------------------------------- candidates and sign-off
@dataclass(frozen=True)
class Candidate:
    id: int
    work_snapshot: int
    run_id: str
    created_at: datetime
    status: str  # waiting | published | rejected | superseded
    awaiting: dict  # {source: [delivery ids not yet signed off]}; {} = no sign-off needed
    checks: dict
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    release_id: int | None = None


def sign_off_sources() -> list[str]:
    from connectors import SOURCES, get_connector

    return [s for s in SOURCES if get_connector(s).contract.sign_off_required]


def _loaded_deliveries(con, sources: list[str]) -> dict[str, list[str]]:
    from ioc_pipelines.landing import DELIVERIES_DDL

    con.execute(DELIVERIES_DDL)
    out: dict[str, list[str]] = {s: [] for s in sources}
    if sources:
        for source, delivery in con.execute(
                "SELECT DISTINCT source, delivery_id FROM work.ops.deliveries WHERE status = "
                "'loaded' AND list_contains(?, source) ORDER BY ALL", [sources]).fetchall():
            out[source].append(delivery)
    return out


def awaiting_sign_off(settings: Settings, con) -> dict[str, list[str]]:
    """Deliveries of sign-off sources loaded since the current release was signed off."""
    release = current_release(settings)
    signed = (release.info.get("signed_off_deliveries", {}) if release else {})
    awaiting = {}
    for source, ids in _loaded_deliveries(con, sign_off_sources()).items():
        done = set(signed.get(source, []))
        new = [d for d in ids if d not in done]
        if new:
            awaiting[source] = new
    return awaiting


def _row_to_candidate(row) -> Candidate:
    (cid, snap, run_id, created, status, awaiting, checks, by, at, reason, release) = row
    return Candidate(int(cid), int(snap), run_id, created, status, json.loads(awaiting or "{}"),
                     json.loads(checks or "{}"), by, at, reason,
                     int(release) if release is not None else None)


def list_candidates(settings: Settings) -> list[Candidate]:
    with connect(settings) as con:
        con.execute(CANDIDATES_DDL)
        rows = con.execute("SELECT candidate_id, work_snapshot, run_id, created_at, status, "
                           "awaiting, checks, decided_by, decided_at, reason, release_id "
                           "FROM work.ops.release_candidates ORDER BY candidate_id").fetchall()
    return [_row_to_candidate(r) for r in rows]


def get_candidate(settings: Settings, candidate_id: int) -> Candidate | None:
    return next((c for c in list_candidates(settings) if c.id == candidate_id), None)


def stage_candidate(settings: Settings, *, run_id: str, checks: dict) -> Candidate:
    """Record the work lake's current snapshot (the marts this run checked) as a candidate;
    an older candidate still waiting is superseded by it."""
    with connect(settings) as con:
        con.execute(CANDIDATES_DDL)
        snapshot = con.execute("SELECT max(snapshot_id) FROM work.snapshots()").fetchone()[0]
        awaiting = awaiting_sign_off(settings, con)
        con.execute("BEGIN TRANSACTION")
        number = con.execute("SELECT coalesce(max(candidate_id), 0) + 1 "
                             "FROM work.ops.release_candidates").fetchone()[0]
        con.execute("UPDATE work.ops.release_candidates SET status = 'superseded', "
                    "decided_at = now()::TIMESTAMP, reason = 'candidate ' || ? "
                    "WHERE status = 'waiting'", [number])
        con.execute("INSERT INTO work.ops.release_candidates VALUES "
                    "(?, ?, ?, now()::TIMESTAMP, 'waiting', ?, ?, NULL, NULL, NULL, NULL)",
                    [number, snapshot, run_id, json.dumps(awaiting), json.dumps(checks)])
        con.execute("COMMIT")
    return get_candidate(settings, number)


def _decide(settings: Settings, candidate_id: int, status: str, by: str | None,
            reason: str | None, release_id: int | None) -> None:
    with connect(settings) as con:
        con.execute("UPDATE work.ops.release_candidates SET status = ?, decided_by = ?, "
                    "decided_at = now()::TIMESTAMP, reason = ?, release_id = ? "
                    "WHERE candidate_id = ?", [status, by, reason, release_id, candidate_id])


def _waiting(settings: Settings, candidate_id: int) -> Candidate:
    candidate = get_candidate(settings, candidate_id)
    if candidate is None:
        waiting = [str(c.id) for c in list_candidates(settings) if c.status == "waiting"]
        raise PublishError(f"candidate {candidate_id} does not exist (waiting: "
                           f"{', '.join(waiting) or 'none'})")
    if candidate.status != "waiting":
        detail = (f"release {candidate.release_id}" if candidate.release_id
                  else f"{candidate.decided_by or ''} {candidate.reason or ''}".strip())
        raise PublishError(f"candidate {candidate_id} is {candidate.status}"
                           + (f" ({detail})" if detail else "") + ", not waiting for sign-off")
    return candidate


def publish_candidate(settings: Settings, candidate: Candidate, *,
                      approved_by: str | None = None) -> Release:
    """Publish a candidate's marts, as checked, as the new release. A candidate that awaits
    sign-off needs ``approved_by``; the approver and the deliveries signed off are recorded."""
    if candidate.awaiting and not (approved_by or "").strip():
        raise PublishError(f"candidate {candidate.id} needs sign-off for "
                           f"{', '.join(candidate.awaiting)}: `ioc approve {candidate.id} "
                           "--by NAME`")
    # signed off now: what was before, and what this candidate held unsigned — not what
    # landed since the candidate was made (its marts do not hold it)
    previous = current_release(settings)
    signed = {source: list(ids) for source, ids in
              (previous.info.get("signed_off_deliveries", {}) if previous else {}).items()}
    for source, ids in candidate.awaiting.items():
        signed[source] = sorted(set(signed.get(source, [])) | set(ids))
    approval = ({"required_for": {s: len(ids) for s, ids in candidate.awaiting.items()},
                 "approved_by": approved_by.strip()} if candidate.awaiting
                else {"required_for": {}, "approved_by": (approved_by or "").strip() or None})
    release = publish_tables(
        settings, mart_tables(settings, candidate.work_snapshot), run_id=candidate.run_id,
        checks=candidate.checks, author=(approved_by or "").strip() or "ioc-pipeline",
        extra={"candidate": candidate.id, "work_snapshot": candidate.work_snapshot,
               "sign_off": approval, "signed_off_deliveries": signed,
               "as_of": sources_as_of(settings, candidate.work_snapshot)})
    _decide(settings, candidate.id, "published", (approved_by or "").strip() or None,
            None, release.id)
    return release


def sources_as_of(settings: Settings, work_snapshot: int | None) -> dict[str, dict]:
    """Per source, what the published data is as of: the last delivery loaded and the newest
    record (for sources with timestamps), from the work lake at the candidate's snapshot.
    Printed on every briefing made from the release."""
    from ioc_pipelines.landing import DELIVERIES_DDL

    def at(table: str) -> str:
        return (table if work_snapshot is None
                else f"(SELECT * FROM {table} AT (VERSION => {int(work_snapshot)}))")

    with connect(settings) as con:
        con.execute(DELIVERIES_DDL)
        out = {source: {"last_delivery": str(last), "deliveries": int(n)}
               for source, last, n in con.execute(
                   f"SELECT source, max(delivery_date), count(*) FROM {at('work.ops.deliveries')} "
                   "WHERE status = 'loaded' GROUP BY ALL ORDER BY ALL").fetchall()}
        try:
            for source, newest in con.execute(
                    f"SELECT source, max(newest_record_at) FROM {at('work.ops.source_freshness')}"
                    " WHERE newest_record_at IS NOT NULL GROUP BY ALL").fetchall():
                out.setdefault(source, {})["newest_record"] = newest.isoformat()
        except Exception as exc:  # noqa: BLE001 - no freshness measured yet
            if "does not exist" not in str(exc):
                raise
    return out


def local_time(moment: datetime) -> datetime:
    """A moment as naive Asia/Ho_Chi_Minh time, as the lakes' own timestamps are written."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


def record_blocked_run(settings: Settings, run: dict) -> None:
    """Remember a run the gate stopped (once per run id)."""
    started = (local_time(datetime.fromisoformat(run["started_at"]))
               if run.get("started_at") else None)
    with connect(settings) as con:
        con.execute(BLOCKED_RUNS_DDL)
        if con.execute("SELECT count(*) FROM work.ops.blocked_runs WHERE run_id = ?",
                       [run["run_id"]]).fetchone()[0]:
            return
        con.execute("INSERT INTO work.ops.blocked_runs VALUES (?, coalesce(?, now()::TIMESTAMP), "
                    "now()::TIMESTAMP, ?)",
                    [run["run_id"], started, json.dumps(run.get("failures", []),
                                                        ensure_ascii=False)])


def approve(settings: Settings, candidate_id: int, *, by: str) -> Release:
    if not by.strip():
        raise PublishError("say who approves (--by NAME): every sign-off is recorded")
    return publish_candidate(settings, _waiting(settings, candidate_id), approved_by=by)


def reject(settings: Settings, candidate_id: int, *, by: str, reason: str) -> Candidate:
    """Keep a candidate out of the warehouse for good (recorded with who and why)."""
    if not by.strip() or not reason.strip():
        raise PublishError("say who rejects and why (--by NAME --reason TEXT): it is recorded")
    _waiting(settings, candidate_id)
    _decide(settings, candidate_id, "rejected", by.strip(), reason.strip(), None)
    return get_candidate(settings, candidate_id)


def republish(settings: Settings, release_id: int, *, by: str, reason: str = "") -> Release:
    """Rollback: publish the tables of an earlier release, as they were, as the new current
    release — a release like any other (new id, commit metadata naming who and which release),
    so history is never rewritten and a rollback can itself be rolled back."""
    old = get_release(settings, release_id)
    if old is None:
        known = ", ".join(str(r.id) for r in list_releases(settings)) or "none"
        raise PublishError(f"release {release_id} does not exist (releases: {known})")
    if not by.strip():
        raise PublishError("say who republishes (--by NAME): every publish is recorded")
    tables = {name: f"{PUBLISHED}.main.{_quote_ident(name)} AT (VERSION => {int(release_id)})"
              for name in old.tables}
    return publish_tables(
        settings, tables, run_id=f"republish-{release_id}", checks=old.info.get("checks"),
        author=by.strip(), exact=True,
        extra={"republished_from": release_id, "reason": reason,
               "data_code_version": old.info.get("code_version"),
               # what is served again is what was signed off then
               **{k: old.info[k] for k in ("candidate", "work_snapshot", "sign_off",
                                           "signed_off_deliveries", "as_of") if k in old.info}})


def _rows_to_releases(rows) -> list[Release]:
    out = []
    for snap_id, at, author, message, extra in rows:
        if message != RELEASE_MESSAGE:
            continue
        out.append(Release(int(snap_id), at, author, json.loads(extra or "{}")))
    return out


def list_releases(settings: Settings) -> list[Release]:
    """Every release of the published lake, oldest first ([] before the first publish)."""
    cat = settings.published_catalog
    if cat.kind == "sqlite" and (cat.sqlite_path is None or not cat.sqlite_path.exists()):
        return []
    with connect(settings, work=False, published=True) as con:
        rows = con.execute(
            f"SELECT snapshot_id, snapshot_time, author, commit_message, commit_extra_info "
            f"FROM {PUBLISHED}.snapshots() ORDER BY snapshot_id"
        ).fetchall()
    return _rows_to_releases(rows)


def get_release(settings: Settings, release_id: int) -> Release | None:
    return next((r for r in list_releases(settings) if r.id == release_id), None)


def current_release(settings: Settings) -> Release | None:
    releases = list_releases(settings)
    return releases[-1] if releases else None
