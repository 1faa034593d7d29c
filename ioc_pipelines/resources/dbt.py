"""dbt, reached only through here: the dbt project, its generated profile and the CLI resource.

The profile is written from :class:`Settings` into ``$IOC_HOME/dbt/profiles.yml`` (mode 0600,
never in the repo), so dbt builds into the same work lake the pipeline attaches, with the same
credentials, and no second place reads the environment.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import sys
from functools import cached_property
from pathlib import Path

import yaml
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from connectors import get_connector
from ioc_pipelines.provinces import provinces
from ioc_pipelines.resources.extensions import install_extensions
from ioc_pipelines.resources.lakes import LIVE, WORK, lakes
from ioc_pipelines.resources.object_store import write_atomically
from ioc_pipelines.settings import DBT_PROJECT_DIR, Settings

PROFILE = "ioc"


def profiles_dir(settings: Settings) -> Path:
    return settings.home / "dbt"


def write_profile(settings: Settings) -> Path:
    """Write (or refresh) the dbt profile for these settings; return its directory."""
    work = lakes(settings)[WORK]
    output: dict = {
        "type": "duckdb",
        "path": ":memory:",
        # one thread whatever the catalog: a SQLite catalog takes one writer at a time
        # ("database is locked"), and on PostgreSQL dbt-duckdb's threads intermittently miss
        # each other's `<model>__dbt_tmp` table (duckdb/dbt-duckdb#748, open), failing a run
        "threads": 1,
        "config_options": settings.duckdb_config(),
        "settings": {"TimeZone": "Asia/Ho_Chi_Minh"},
        # installed from its PyPI package by `ioc setup`: loading needs no network
        "extensions": ["spatial"],
        "attach": [{
            "path": work.catalog.ducklake_uri(),
            "alias": WORK,
            "options": {"data_path": work.data_path, "override_data_path": 1,
                        **{key.lower(): value for key, value in work.sqlite_options().items()}},
        }],
        "database": WORK,
        "schema": "main",
        # SQL functions that hold a secret (the pseudonym key) live in Python, not in SQL
        "plugins": [{"module": "ioc_pipelines.resources.dbt_functions",
                     "config": {"pseudonym_key": settings.pseudonym_key}}],
    }
    outputs = {"work": output}
    if LIVE in (all_lakes := lakes(settings)):
        # the live path's target: the live lake alone (`ioc live` builds tag:live into it)
        live = all_lakes[LIVE]
        outputs["live"] = {
            **{k: v for k, v in output.items() if k not in ("attach", "plugins", "extensions")},
            "threads": 1,
            "attach": [{"path": live.catalog.ducklake_uri(), "alias": LIVE,
                        "options": {"data_path": live.data_path, "override_data_path": 1, **{
                            key.lower(): value for key, value in live.sqlite_options().items()}}}],
            "database": LIVE,
        }
    if settings.s3 is not None:
        s3 = settings.s3
        output["secrets"] = [{
            "type": "s3", "key_id": s3.access_key, "secret": s3.secret_key,
            "endpoint": s3.endpoint, "url_style": "path" if s3.path_style else "vhost",
            "use_ssl": s3.use_ssl, "region": s3.region,
        }]
    for lake in all_lakes.values():
        if lake.catalog.kind == "sqlite" and lake.catalog.sqlite_path is not None:
            lake.catalog.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    if "live" in outputs and "secrets" in output:
        outputs["live"]["secrets"] = output["secrets"]
    folder = profiles_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "profiles.yml"
    text = yaml.safe_dump({PROFILE: {"target": "work", "outputs": outputs}},
                          sort_keys=False, allow_unicode=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return folder
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return folder


def dbt_executable() -> str:
    """The dbt of this interpreter's environment (the venv need not be activated)."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_vars(settings: Settings) -> dict:
    """Variables dbt gets from the settings and the data contracts, one source of truth."""
    population = get_connector("population").contract
    return {"population_max_rejected_share": population.gate.get("max_rejected_share", 0.2),
            "province_code": settings.province_code,
            "boundaries_file": provinces()[settings.province_code].boundary_uri,
            "vn2000_crs": provinces()[settings.province_code].vn2000_crs}


def dbt_vars_arg(settings: Settings) -> list[str]:
    return ["--vars", json.dumps(dbt_vars(settings))]


def dbt_project(settings: Settings) -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=write_profile(settings),
                      profile=PROFILE, target="work")


def _manifest_stale(manifest: Path) -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_PROJECT_DIR / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds", "tests"):
        sources.extend(p for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file())
    return any(p.stat().st_mtime > built for p in sources)


def prepare_manifest(settings: Settings, *, force: bool = False) -> Path:
    """Make sure ``target/manifest.json`` is current (``dbt parse`` when a model, macro, seed
    or test changed since); Dagster builds the dbt assets from it."""
    project = dbt_project(settings)
    manifest = project.manifest_path
    if force or _manifest_stale(manifest):
        install_extensions()  # dbt-duckdb autoloads them from DuckDB's extension directory
        dbt_resource(settings).cli(["parse", "--quiet", *dbt_vars_arg(settings)],
                     target_path=project.target_path).wait()
    return manifest


def keep_run_target(run_target: Path, *, succeeded: bool) -> None:
    """After a dbt run in its own target folder (dagster-dbt gives each one): its parse of the
    project becomes ``target/partial_parse.msgpack``, which dagster-dbt copies into the next
    run's folder — dbt then parses only what changed since (everything when the profile or
    the variables differ, as in another home) instead of the whole project. The folder
    itself (compiled SQL, logs: ≈ 7 MB a run) is removed after a build that succeeded and
    kept after one that did not, for whoever looks into it."""
    made = run_target / "partial_parse.msgpack"
    if made.is_file():
        write_atomically(DBT_PROJECT_DIR / "target" / "partial_parse.msgpack", made.read_bytes())
    if succeeded:
        shutil.rmtree(run_target, ignore_errors=True)


class IocDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two costs paid before every dbt command, for nothing the
    pipeline uses: ``dbt --version`` in a subprocess (5 s, in which dbt asks PyPI for its
    latest releases: two 1 s timeouts where a data centre has no internet) — the version of the
    dbt-core installed beside it instead; and a dbt adapter built in-process (5 s: a DuckDB
    with the lake attached), used only to fetch row counts and column metadata, which no asset
    asks for."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


def dbt_resource(settings: Settings, target: str = "work") -> DbtCliResource:
    """dbt for the work lake, or (``target="live"``) for the live lake."""
    project = dbt_project(settings)
    return IocDbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir),
                             profile=PROFILE, target=target, dbt_executable=dbt_executable())


_runners: dict[str, tuple[str, object]] = {}  # home -> (what was parsed, a runner holding it)


def build_in_process(settings: Settings, target: str, select: str, given: dict,
                     target_path: Path) -> list[str]:
    """``dbt build --select <select>`` in this process, the project parsed once per set of
    variables and kept (a long-running service builds every few seconds: no new dbt process,
    no re-parse, no version probe each time). The failures; empty when all passed. Logs go
    to ``target_path`` only."""
    from dbt.cli.main import dbtRunner

    project = dbt_project(settings)
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(project.profiles_dir),
              "--profile", PROFILE, "--target", target, "--target-path", str(target_path),
              "--log-path", str(target_path), "--vars", json.dumps(given, sort_keys=True),
              "--quiet"]
    key = "\0".join(common)
    held = _runners.get(str(settings.home))
    if held is None or held[0] != key or _manifest_stale(target_path / "manifest.json"):
        install_extensions()
        parsed = dbtRunner().invoke(["parse", *common])
        if not parsed.success:
            return [f"dbt could not parse the project: "
                    f"{parsed.exception or f'its log is in {target_path}'}"]
        held = (key, dbtRunner(manifest=parsed.result))
        _runners[str(settings.home)] = held
    done = held[1].invoke(["build", "--select", select, *common])
    results = list(getattr(done.result, "results", None) or [])
    failures = [f"{r.node.unique_id}: {r.status} {(r.message or '')[:300]}"
                for r in results if str(r.status) in ("error", "fail")]
    if done.exception is not None:
        failures.append(f"dbt failed: {done.exception}")
    elif not results:
        failures.append(f"dbt built nothing (its log: {target_path})")
    return failures
