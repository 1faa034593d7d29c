"""Write–audit–publish, the publish step: copy checked marts from the work lake into the
published lake in ONE transaction. That transaction's DuckLake snapshot id is the release id.

Every snapshot of the published lake is a release (nothing else writes there), so an analyst
who attaches without a version sees the current release, and a pinned version is reproducible.
Which marts are published comes from the dbt project: every model tagged ``publish``.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from ioc_pipelines import __version__
from ioc_pipelines.clock import TZ
from ioc_pipelines.core import state
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.lakes import PUBLISHED, connect, sql_literal
from ioc_pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT, Settings

RELEASE_MESSAGE = "release"
PUBLISH_TAG = "publish"
SCORECARD_KEY = ("source", "provider_code", "commune_code", "period", "measure", "principle")


class PublishError(CoreError):
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

    @property
    def approved_by(self) -> str | None:
        return (self.info.get("sign_off") or {}).get("approved_by")


@cache
def _manifest() -> dict:
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest.is_file():
        raise PublishError(f"no dbt manifest at {manifest}: run `ioc setup` first")
    return json.loads(manifest.read_text(encoding="utf-8"))


@cache
def _published_nodes() -> tuple[dict, ...]:
    return tuple(n for n in _manifest()["nodes"].values()
                 if n["resource_type"] == "model" and PUBLISH_TAG in n.get("tags", []))


def mart_sources() -> dict[str, tuple[str, ...]]:
    """The delivered sources each published mart is built from ({mart: ("population", …)}),
    walking the dbt lineage back to the raw tables (``<source>__<entity>``)."""
    manifest = _manifest()
    nodes, sources = manifest["nodes"], manifest["sources"]
    out = {}
    for mart in _published_nodes():
        found, todo, seen = set(), list(mart["depends_on"]["nodes"]), set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in sources and sources[node]["source_name"] == "raw":
                found.add(sources[node]["name"].split("__")[0])
            elif node in nodes:
                todo += nodes[node].get("depends_on", {}).get("nodes", [])
        out[mart["name"]] = tuple(sorted(found))
    return out


def published_marts() -> tuple[str, ...]:
    """Every model of the dbt project tagged ``publish`` (the marts), from the manifest that
    ``ioc setup`` parses (marts hold no direct identifiers: the e2e tests check the lake)."""
    return tuple(sorted(n["name"] for n in _published_nodes()))


def mart_grains() -> dict[str, tuple[str, ...]]:
    """Each published mart's grain — the columns one row stands for (``meta.grain`` in its
    YAML): what a diff between two releases matches rows on."""
    return {n["name"]: tuple((n.get("config", {}).get("meta") or {}).get("grain") or ())
            for n in _published_nodes()}


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


def quote_ident(name: str) -> str:
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
                con.execute(f"CREATE OR REPLACE TABLE {PUBLISHED}.main.{quote_ident(name)} AS "
                            f"SELECT * FROM {_relation(source)}")
                counts[name] = con.execute(
                    f"SELECT count(*) FROM {PUBLISHED}.main.{quote_ident(name)}").fetchone()[0]
                _describe(con, name)
            if exact:
                for (name,) in con.execute(
                        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                        "AND schema_name = 'main'", [PUBLISHED]).fetchall():
                    if name not in tables:
                        con.execute(f"DROP TABLE {PUBLISHED}.main.{quote_ident(name)}")
            info = {"run_id": run_id, "code_version": code_version(), "tables": counts,
                    "checks": checks or {}, **(extra or {})}
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


@cache
def mart_descriptions() -> dict[str, tuple[str, dict[str, str]]]:
    """Each published mart's dbt description and its columns' ({mart: (text, {col: text})})."""
    return {n["name"]: ((n.get("description") or "").strip(),
                        {c: (v.get("description") or "").strip()
                         for c, v in (n.get("columns") or {}).items()})
            for n in _published_nodes()}


def _describe(con, name: str) -> None:
    """The mart's dbt descriptions as the published table's and columns' comments (a table
    replaced loses them: every release writes them again, in its own transaction)."""
    text, columns = mart_descriptions().get(name, ("", {}))
    table = f"{PUBLISHED}.main.{quote_ident(name)}"
    if text:
        con.execute(f"COMMENT ON TABLE {table} IS {sql_literal(text)}")
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND "
        "schema_name = 'main' AND table_name = ?", [PUBLISHED, name]).fetchall()}
    for column, said in columns.items():
        if said and column in present:
            con.execute(f"COMMENT ON COLUMN {table}.{quote_ident(column)} IS "
                        f"{sql_literal(said)}")


def release_table(name: str, release_id: int) -> str:
    """A published table as it was in release ``release_id`` (time travel)."""
    return f"{PUBLISHED}.main.{quote_ident(name)} AT (VERSION => {int(release_id)})"


def _relation(source: str) -> str:
    if source.startswith("work.") and " " not in source:
        schema, table = source.split(".", 2)[1:]
        return f"work.{quote_ident(schema)}.{quote_ident(table)}"
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
    """``{published name: relation}`` of every published mart, from the work lake now or as
    it was at ``work_snapshot``; the scorecard with its change since the current release."""
    def relation(name: str) -> str:
        if work_snapshot is None:
            return f"work.marts.{name}"
        return state.at_version(f"work.marts.{quote_ident(name)}", work_snapshot)

    tables = {name: relation(name) for name in published_marts()}
    tables["quality_scorecard"] = scorecard_with_change(
        settings, current_release(settings), relation("quality_scorecard"))
    return tables


def sources_as_of(settings: Settings, work_snapshot: int | None) -> dict[str, dict]:
    """Per source, what the published data is as of: the last delivery loaded and the newest
    record (for sources with timestamps), from the work lake at the candidate's snapshot.
    Printed on every briefing made from the release."""
    with connect(settings) as con:
        state.ensure(con)
        out = {row["source"]: {"last_delivery": str(row["last_delivery"]),
                               "deliveries": int(row["deliveries"])}
               for row in state.loaded_by_source(con, work_snapshot)}
        try:
            for source, newest in con.execute(
                    "SELECT source, max(newest_record_at) FROM "
                    f"{state.at_version('work.ops.source_freshness', work_snapshot)}"
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
    return moment.astimezone(TZ).replace(tzinfo=None)


def list_releases(settings: Settings) -> list[Release]:
    """Every release of the published lake, oldest first ([] before the first publish)."""
    cat = settings.published_catalog
    if cat.kind == "sqlite" and (cat.sqlite_path is None or not cat.sqlite_path.exists()):
        return []
    with connect(settings, work=False, published=True) as con:
        rows = con.execute(
            f"SELECT snapshot_id, snapshot_time, author, commit_message, commit_extra_info "
            f"FROM {PUBLISHED}.snapshots() ORDER BY snapshot_id").fetchall()
    return [Release(int(snap_id), at, author, json.loads(extra or "{}"))
            for snap_id, at, author, message, extra in rows if message == RELEASE_MESSAGE]


def get_release(settings: Settings, release_id: int) -> Release | None:
    return next((r for r in list_releases(settings) if r.id == release_id), None)


def current_release(settings: Settings) -> Release | None:
    releases = list_releases(settings)
    return releases[-1] if releases else None
