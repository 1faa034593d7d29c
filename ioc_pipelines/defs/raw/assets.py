"""Raw layer: landed files of every source -> ``work.raw.<source>__<entity>`` (typed + lineage).

One multi-asset per source (one asset per entity it delivers: a file can hold several, e.g. an
NGSI payload gives sensors and readings). Sources that arrive periodically are partitioned by
delivery date — ``indicators`` monthly, ``iot`` daily — so a month or a day can be re-loaded or
back-filled on its own; the rest load whatever is pending. Unreadable files are rejected with
their reason in ``work.ops.deliveries`` while the other files still load.
"""

from datetime import date, timedelta

import dagster as dg

from connectors import SOURCES, get_connector
from ioc_pipelines.core.raw import LoadResult, lineage_summary, load_pending, raw_row_counts
from ioc_pipelines.settings import Settings

PARTITION_START = "2024-01-01"
PARTITIONS: dict[str, dg.PartitionsDefinition] = {
    "indicators": dg.MonthlyPartitionsDefinition(start_date=PARTITION_START, end_offset=1,
                                                 timezone="Asia/Ho_Chi_Minh"),
    "iot": dg.DailyPartitionsDefinition(start_date=PARTITION_START, end_offset=1,
                                        timezone="Asia/Ho_Chi_Minh"),
}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _deliveries_table(results: list[LoadResult]) -> str:
    if not results:
        return "no new deliveries"
    lines = ["| delivery | file | status | rows | reason |", "|---|---|---|---|---|"]
    lines += [f"| {r.delivery_id} | {r.file_key} | {r.status} | {r.rows} | {r.reason} |"
              for r in results]
    return "\n".join(lines)


def _window(context: dg.AssetExecutionContext) -> tuple[date, date] | None:
    if not context.has_partition_key_range and not context.has_partition_key:
        return None
    window = context.partition_time_window
    start = window.start.date()
    if start <= date.fromisoformat(PARTITION_START):
        start = date.min  # older deliveries load with the first partition
    return start, (window.end - timedelta(microseconds=1)).date()


def build_raw_assets(source: str) -> dg.AssetsDefinition:
    connector = get_connector(source)
    contract = connector.contract
    tables = connector.raw_tables
    specs = [
        dg.AssetSpec(
            raw_key(table), group_name="raw", kinds={"duckdb", "parquet"},
            description=f"{contract.entities[entity].description} As delivered to "
            f"landing/{source}/ ({', '.join(contract.formats)}), typed by the contract, "
            "with lineage (_source, _provider, _delivery_id, _file, _file_sha256, "
            "_record_number, _encoding, _invalid).",
            metadata={"contract": f"connectors/{source}/contract.yml",
                      "owner_department": contract.owner,
                      "docs": f"docs/sources/{source}.md",
                      "dagster/column_schema": dg.TableSchema(columns=[
                          dg.TableColumn(f.name, f.type, description=f.description)
                          for f in contract.entities[entity].fields])},
            tags={"source": source},
        )
        for entity, table in tables.items()
    ]
    partitions = PARTITIONS.get(source)

    @dg.multi_asset(
        name=f"raw_{source}", specs=specs, partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions else None,
        description=f"Load pending {source} deliveries into the raw layer.",
    )
    def _load(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        window = _window(context)
        results = load_pending(settings, source, log=context.log.info, dates=window)
        for r in results:
            if r.status == "rejected":
                context.log.warning(f"rejected delivery {r.file_key}: {r.reason}")
            elif r.reason:  # loaded, with something the provider should know
                context.log.warning(f"{r.file_key}: {r.reason}")
        loaded = [r for r in results if r.status == "loaded"]
        totals = raw_row_counts(settings, list(tables.values()))
        for table in tables.values():
            rows = sum(r.tables.get(table, 0) for r in loaded)
            ids = [r.delivery_id for r in loaded if r.tables.get(table)]
            lineage = lineage_summary(settings, table, ids)
            lineage_md = "\n".join(
                ["| provider | encoding | files | rows | rows with unparsed values |",
                 "|---|---|---|---|---|"]
                + [f"| {p} | {e} | {f} | {n} | {bad} |" for p, e, f, n, bad in lineage])
            yield dg.MaterializeResult(asset_key=raw_key(table), metadata={
                "lineage": dg.MetadataValue.md(lineage_md if lineage else "nothing loaded"),
                "dagster/row_count": totals.get(table, 0),
                "rows_loaded": rows,
                "deliveries_loaded": sum(1 for r in loaded if r.tables.get(table)),
                "deliveries_rejected": sum(1 for r in results if r.status == "rejected"),
                "delivery_window": (f"{'' if window[0] == date.min else window[0]} … {window[1]}"
                                    if window else "all pending"),
                "deliveries": dg.MetadataValue.md(_deliveries_table(results)),
            })

    return _load


RAW_ASSETS = [build_raw_assets(source) for source in SOURCES]
PARTITIONED_KEYS = [raw_key(t) for s in PARTITIONS for t in get_connector(s).raw_tables.values()]
