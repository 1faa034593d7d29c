"""Write–audit–publish, the publish step: copy checked marts from the work lake into the
published lake in ONE transaction. That transaction's DuckLake snapshot id is the release id.

Every snapshot of the published lake is a release (nothing else writes there), so an analyst
who attaches without a version sees the current release, and a pinned version is reproducible.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import datetime

from ioc_pipelines import __version__
from ioc_pipelines.resources.lakes import PUBLISHED, connect, sql_literal
from ioc_pipelines.settings import REPO_ROOT, Settings

RELEASE_MESSAGE = "release"


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
               "data_code_version": old.info.get("code_version")})


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
