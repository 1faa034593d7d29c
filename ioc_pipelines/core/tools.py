"""Engineers' tools: dbt itself on the work lake, and the source pages regenerated from the
contracts."""

from __future__ import annotations

import subprocess

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT, Settings


def dbt(settings: Settings, args: list[str]) -> int:
    """Run dbt with ``args`` on the work lake, with the generated profile and the pipeline's
    variables (unless ``--vars`` is given); dbt's output goes to this process's; returns dbt's
    exit code."""
    from ioc_pipelines.resources.dbt import PROFILE, dbt_executable, dbt_vars_arg, write_profile
    from ioc_pipelines.resources.extensions import install_extensions

    if not args:
        raise CoreError("give dbt a command, e.g. `ioc dbt build --select marts`")
    install_extensions()
    profiles = write_profile(settings)
    extra = [] if "--vars" in args else dbt_vars_arg(settings)
    command = [dbt_executable(), *args, "--profiles-dir", str(profiles), "--profile", PROFILE,
               *extra]
    return subprocess.call(command, cwd=DBT_PROJECT_DIR)


def regenerate_source_docs() -> list[str]:
    """Regenerate ``docs/sources/<source>.md`` from the contracts (notes below the marker
    kept); returns the pages that changed."""
    from connectors import SOURCES
    from connectors.docs import merged

    folder = REPO_ROOT / "docs" / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for source in SOURCES:
        page = folder / f"{source}.md"
        old = page.read_text(encoding="utf-8") if page.exists() else None
        new = merged(source, old)
        if new != old:
            page.write_text(new, encoding="utf-8")
            changed.append(str(page.relative_to(REPO_ROOT)))
    return changed
