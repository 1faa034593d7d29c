"""The data dictionary of a release (HTML, Vietnamese and English): every published table — its
title and meaning, its grain (what one row stands for), its rows in this release, the delivered
sources and their providers behind it, whether small counts are suppressed and whether it may be
shared —, then each column with its type as published and its meaning. Read from the release
pinned in the published lake and the dbt project's descriptions (the same text the lake carries
as table and column comments), so the same release gives the same bytes. Written beside the
other reports of the release (``reports/dictionary/release-<N>/tu-dien-du-lieu.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ioc_pipelines.core import vi_format
from ioc_pipelines.core.datasets import personal_columns
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.core.publishing import (
    Release,
    _published_nodes,
    mart_descriptions,
    mart_grains,
    mart_sources,
    release_table,
)
from ioc_pipelines.reports.rendering import environment, pick_release, province_title, store
from ioc_pipelines.resources.lakes import analyst_attach_sql, connect
from ioc_pipelines.settings import DBT_PROJECT_DIR, Settings


def object_key(release_id: int) -> str:
    return f"reports/dictionary/release-{release_id}/tu-dien-du-lieu.html"


@dataclass(frozen=True)
class Dictionary:
    release_id: int
    key: str
    local_path: Path
    tables: int


def render_dictionary(settings: Settings, release_id: int | None = None) -> Dictionary:
    release = pick_release(settings, release_id)
    tables = _tables(settings, release)
    html = environment().get_template("dictionary.html.j2").render(
        province=province_title(settings),
        release=release, tables=tables, threshold=_small_count_threshold(),
        attach=analyst_attach_sql(settings, release.id) if settings.s3 is None else None)
    key = object_key(release.id)
    return Dictionary(release.id, key, store(settings, settings.published_bucket, key, html),
                      len(tables))


def _tables(settings: Settings, release: Release) -> list[dict]:
    described, grains, sources = mart_descriptions(), mart_grains(), mart_sources()
    meta = {n["name"]: (n.get("config", {}).get("meta") or {}) for n in _published_nodes()}
    out = []
    with connect(settings, work=False, published=True) as con:
        for name in sorted(release.tables):
            if name not in described:
                continue  # a table an older version published: not described any more
            text, docs = described[name]
            rel = con.sql(f"SELECT * FROM {release_table(name, release.id)} LIMIT 0")
            dataset = meta[name].get("dataset") or {}
            personal = personal_columns(name, list(rel.columns))
            out.append({
                "name": name, "title": dataset.get("title") or "",
                "description_vi": dataset.get("description") or "",
                "description_en": " ".join(text.split()),
                "grain": list(grains.get(name) or ()), "rows": release.tables[name],
                "rows_vi": vi_format.count(release.tables[name]),
                "sources": [{"title": source_title(s), "provider": provider_name(
                    settings, _contract_provider(s))} for s in sources.get(name, ())],
                "suppressed": bool(dataset.get("suppressed")),
                "shareable": not personal, "personal": personal,
                "columns": [{"name": c, "type": str(t), "meaning": docs.get(c, "")}
                            for c, t in zip(rel.columns, rel.types, strict=True)],
            })
    return out


def _contract_provider(source: str) -> str:
    from connectors import get_connector

    return get_connector(source).contract.provider


def _small_count_threshold() -> int:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return int((project.get("vars") or {}).get("small_count_threshold", 10))
