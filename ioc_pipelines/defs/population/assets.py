"""Raw layer of the population source: landed registry files → ``work.raw.population__citizens``."""


import dagster as dg

from ioc_pipelines.landing import load_pending
from ioc_pipelines.settings import Settings

RAW_POPULATION = dg.AssetKey(["raw", "population__citizens"])


@dg.asset(
    key=RAW_POPULATION,
    group_name="raw",
    kinds={"duckdb", "parquet"},
    description="Registry records as delivered (text) + lineage, one row per record, from every "
    "file landed under landing/population/ and not yet loaded. Unreadable files are rejected "
    "with their reason; the others still load.",
)
def raw_population__citizens(context: dg.AssetExecutionContext,
                             settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    results = load_pending(settings, "population", log=context.log.info)
    loaded = [r for r in results if r.status == "loaded"]
    rejected = [r for r in results if r.status == "rejected"]
    for r in rejected:
        context.log.warning(f"rejected delivery {r.file_key}: {r.reason}")
    table = "\n".join(
        ["| delivery | file | status | rows | reason |", "|---|---|---|---|---|"]
        + [f"| {r.delivery_id} | {r.file_key} | {r.status} | {r.rows} | {r.reason} |"
           for r in results]
    )
    return dg.MaterializeResult(metadata={
        "deliveries_loaded": len(loaded),
        "deliveries_rejected": len(rejected),
        "rows_loaded": sum(r.rows for r in loaded),
        "deliveries": dg.MetadataValue.md(table if results else "no new deliveries"),
    })
