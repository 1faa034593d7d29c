"""What a run may leave as it is: the dbt models whose inputs did not change.

A model's inputs are the deliveries of the sources it is built from (every delivery record
and its status), the code (the package, connectors, checks and dbt project, their bytes) and
the settings. When the last build of the work lake was a run that passed its gate (it
published or left a candidate waiting) — the *basis* —, a model whose sources' deliveries,
the code and the settings are all as they were then holds exactly what a rebuild would
give, and its tests passed then: ``ioc run`` leaves it out of the build. A new IoT day
rebuilds the IoT models (the readings' QC only for the new day: an incremental model, see
``may_extend``), the quality models (they read every delivery) and what is built from
them; the registry's models stay as they are.

The basis is written only after a run that passed its gate, and removed by the dbt step
before it builds anything, whichever door started the run (``ioc run``, the Dagster UI, a
schedule): a run that failed or was blocked, or was killed in between, leaves no basis, and
the next run builds everything. ``ioc run --full`` always does. Models read only what is
delivered: none depends on the day (the freshness and completeness measurements, which do,
are Python assets that run every time, and the quality models read them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.core import unchanged
from ioc_pipelines.resources.object_store import write_atomically
from ioc_pipelines.settings import Settings

RAW_SOURCE = "source.ioc.raw."
# the run tag naming the basis of a run that left models as they were
BASIS_TAG = "ioc/kept_from_run"


@dataclass(frozen=True)
class Plan:
    """The models a run leaves as they are (dbt unique ids), the sources that delivered
    something since the basis, and the basis run (its checks' warnings still hold for the
    models left)."""

    kept: frozenset[str]
    changed_sources: tuple[str, ...]
    basis_run: str


def _basis_file(settings: Settings) -> Path:
    return settings.home / "state" / "built.json"


def remember_basis(settings: Settings, con, *, run_id: str, made: dict | None = None) -> None:
    """After a run that passed its gate: the work lake's models are its build of these
    inputs (``made``: ``unchanged.inputs``, when already read; written whole: a crash leaves
    none, and the next run builds everything)."""
    record = {"run_id": run_id, **(made or unchanged.inputs(settings, con))}
    write_atomically(_basis_file(settings), json.dumps(record, sort_keys=True).encode("utf-8"))


def forget_basis(settings: Settings) -> None:
    """A build starts: until a run passes its gate again, the next run builds everything."""
    _basis_file(settings).unlink(missing_ok=True)


def _basis(settings: Settings) -> dict | None:
    try:
        record = json.loads(_basis_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "sources" in record else None


def _sources_of(unique_id: str, parents: dict[str, list[str]], memo: dict) -> frozenset[str]:
    """Every source a node is built from, through any number of models."""
    if unique_id not in memo:
        memo[unique_id] = frozenset()  # a cycle cannot happen in dbt; this guards the walk
        found = {unique_id} if unique_id.startswith("source.") else set()
        for parent in parents.get(unique_id, []):
            found |= _sources_of(parent, parents, memo)
        memo[unique_id] = frozenset(found)
    return memo[unique_id]


def kept_models(manifest: dict, changed: set[str]) -> frozenset[str]:
    """The models of the main build built only from raw sources none of ``changed`` (data
    sources, e.g. ``iot``), and whose tests read nothing that is rebuilt (a test runs, as a
    check of its model, when anything it reads is rebuilt)."""
    parents = manifest["parent_map"]
    memo: dict = {}
    models = {uid: node for uid, node in manifest["nodes"].items()
              if node["resource_type"] == "model" and "live" not in node.get("tags", [])}

    def unchanged(uid: str) -> bool:
        return all(source.startswith(RAW_SOURCE)
                   and source[len(RAW_SOURCE):].split("__")[0] not in changed
                   for source in _sources_of(uid, parents, memo))

    kept = {uid for uid in models if unchanged(uid)}
    tests = [[p for p in parents.get(uid, []) if p.startswith("model.")]
             for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"]
    while True:  # a model rebuilt for its test's sake may bring another test along
        mixed = {p for reads in tests if any(p not in kept for p in reads)
                 for p in reads if p in kept}
        if not mixed:
            return frozenset(kept)
        kept -= mixed


def _same_build(basis: dict | None, made: dict) -> bool:
    return basis is not None and all(basis.get(part) == made[part] for part in ("code", "settings"))


def may_extend(settings: Settings, con) -> bool:
    """Whether the work lake is the basis's build by this code and these settings, so that
    incremental models may go on from what they hold; else they are built whole
    (``dbt build --full-refresh``): after a run that failed or was killed, and after an
    upgrade or a change of settings."""
    return _same_build(_basis(settings), unchanged.inputs(settings, con))


def plan(settings: Settings, con, manifest: dict) -> Plan | None:
    """What this run may leave as it is, or None when it must build everything (no basis,
    other code or settings)."""
    basis = _basis(settings)
    made = unchanged.inputs(settings, con)
    if not _same_build(basis, made):
        return None
    now, before = made["sources"], basis["sources"]
    changed = {s for s in set(now) | set(before) if now.get(s) != before.get(s)}
    return Plan(kept_models(manifest, changed), tuple(sorted(changed)), basis["run_id"])


def plan_run(settings: Settings) -> Plan | None:
    """The plan of the run about to start when it leaves models as they are (and says so),
    else None: it builds everything."""
    from ioc_pipelines.core import progress
    from ioc_pipelines.resources.dbt import prepare_manifest
    from ioc_pipelines.resources.lakes import connect

    manifest = json.loads(prepare_manifest(settings).read_text(encoding="utf-8"))
    with connect(settings) as con:
        made = plan(settings, con, manifest)
    if made is None or not made.kept:
        return None
    progress.report("stage", f"{len(made.kept)} models kept as the run {made.basis_run[:8]} "
                    "built them (their sources delivered nothing new); rebuilt: those of "
                    f"{', '.join(made.changed_sources) or 'no source'} and the quality "
                    "measurements")
    return made
