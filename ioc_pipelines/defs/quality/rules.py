"""đủ and sống as the contracts set them: which deliveries each source owes (provider ×
period, from the contract and, for indicators, the catalogue's periodicity), its freshness SLA,
volume and fill-rate limits — and the asset check specs they become."""

from __future__ import annotations

import dagster as dg

from connectors import SOURCES
from ioc_pipelines.core.contracts import (
    expectations,
    freshness_rules,
    min_fill_rate,
    volume_rules,
)

COMPLETENESS = dg.AssetKey(["quality", "delivery_completeness"])
FRESHNESS_KEY = dg.AssetKey(["quality", "source_freshness"])
# the dbt model that compares each extract with the one before (built after the raw loads)
VOLUME_CHANGES = dg.AssetKey(["validated", "delivery_volume_changes"])


EXPECTATIONS = {e.source: e for e in expectations()}
VOLUMES = volume_rules()
FRESHNESS = {f.source: f for f in freshness_rules()}
CHECK_SPECS = [
    *(dg.AssetCheckSpec(f"complete_{s}", asset=COMPLETENESS, blocking=e.severity == "block",
                        description=f"đủ: every expected delivery of {s} present and on time")
      for s, e in EXPECTATIONS.items()),
    *(dg.AssetCheckSpec(f"delivered_{s}", asset=COMPLETENESS,
                        description=f"đủ: {s} has delivered at least once (until it does, "
                        "its marts are empty; the other sources publish)")
      for s in SOURCES),
    *(dg.AssetCheckSpec(f"filled_{s}", asset=COMPLETENESS,
                        description=f"đủ: every required field of {s} filled in at least "
                        f"{min_fill_rate(s):.0%} of each delivery's records")
      for s in SOURCES),
    *(dg.AssetCheckSpec(f"fresh_{s}", asset=FRESHNESS_KEY, blocking=f.severity == "block",
                        description=f"sống: {s} delivered within its SLA "
                        f"({f.sla.total_seconds() / 3600:g} h"
                        + (f"; {f.live_sla.total_seconds() / 3600:g} h once it comes live"
                           if f.live_sla else "") + ")")
      for s, f in FRESHNESS.items()),
]
# on the dbt model that compares each extract with the one before; blocking so that the
# release candidate (downstream of the model) waits for them — a warn-level contract fails
# them with severity WARN, which publishes
VOLUME_CHECK_SPECS = [
    dg.AssetCheckSpec(f"volume_{s}", asset=VOLUME_CHANGES, blocking=True,
                      description=f"đủ: the newest extract of {s} no more than "
                      f"{v.max_drop:.0%} smaller than the one before")
    for s, v in VOLUMES.items()
]
