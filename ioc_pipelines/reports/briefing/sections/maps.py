"""The maps' base layer: the province's communes on their real 2025 boundaries."""

from __future__ import annotations

import json

from ioc_pipelines.reports.briefing.context import Context


def commune_shapes(ctx: Context) -> list[tuple[str, str, dict]]:
    return [(r["commune_code"], r["commune_name"], json.loads(r["geojson"]))
            for r in ctx.query("commune_shapes")]
