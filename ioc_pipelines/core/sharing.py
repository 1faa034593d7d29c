"""What an agency receives, in one answer for the doors: each granted dataset with its title,
the release it is served from, and where each protocol and format reaches it."""

from __future__ import annotations

from ioc_pipelines.core import audit, datasets, grants
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.delta_sharing import SCHEMA, SHARE
from ioc_pipelines.core.publishing import current_release
from ioc_pipelines.settings import Settings


def links(base_url: str, ds: datasets.Dataset) -> dict:
    """Where each format and protocol serves ``ds`` (current release; add ?release=N)."""
    base = base_url.rstrip("/")
    formats = ["csv", "xlsx", "parquet"] + (["geojson"] if ds.is_layer else [])
    out = {"downloads": {fmt: f"{base}/api/v1/datasets/{ds.name}.{fmt}" for fmt in formats},
           "dictionary": f"{base}/api/v1/datasets/{ds.name}/dictionary.json",
           "delta_sharing": f"{SHARE}.{SCHEMA}.{ds.name}"}
    if ds.is_layer:
        out["ogc_features"] = f"{base}/ogc/collections/{ds.name}/items"
    return out


def offer(settings: Settings, actor: Actor, account: Account, base_url: str) -> dict:
    """The datasets ``account`` receives now, published in the current release."""
    with audit.audited(settings, actor, "share.offer", account.username) as said:
        release = current_release(settings)
        known = datasets.all_datasets()
        items = []
        for name, grant in grants.grants(settings, account).items():
            ds = known[name]
            if release is None or name not in release.tables:
                continue
            items.append({"name": name, "title": ds.title, "description": ds.description,
                          "rows": datasets.row_count(release, ds), "map_layer": ds.is_layer,
                          "granted": "default" if grant.by_default else
                          {"request": grant.request_id, "until": str(grant.ends_on)},
                          **links(base_url, ds)})
        said["datasets"] = len(items)
    return {"release": release.id if release else None, "datasets": items}
