-- Whether the quality scorecard was ever built in the work lake.
SELECT count(*) AS built
FROM duckdb_tables()
WHERE database_name = 'work' AND schema_name = 'marts' AND table_name = 'quality_scorecard'
