-- The pipeline's operational state in the work lake (schema work.ops): created once, here,
-- and read and written only through ioc_pipelines/core/state.py. The delivery measurements
-- (delivery_completeness, source_freshness, field_fill_rate) are replaced as a whole by each
-- run from their frames (state.replace_measurements).

-- every file delivered into the landing zone, and what became of it (reason: why it was
-- rejected, or what a loaded file's provider should know — columns no field took)
-- (landed → loaded | rejected; duplicate: the same content was delivered before)
CREATE SCHEMA IF NOT EXISTS work.ops;
CREATE TABLE IF NOT EXISTS work.ops.deliveries (
    delivery_id VARCHAR, source VARCHAR, provider VARCHAR, delivery_date DATE,
    file_key VARCHAR, file_name VARCHAR, sha256 VARCHAR, size_bytes BIGINT,
    landed_at TIMESTAMP, status VARCHAR, row_count BIGINT, reason VARCHAR, loaded_at TIMESTAMP
);

-- the columns of each loaded file as the provider headed them, in the file's order, and the
-- field each filled (written with the load): its feedback speaks the provider's words
CREATE TABLE IF NOT EXISTS work.ops.delivered_columns (
    delivery_id VARCHAR, file_key VARCHAR, raw_table VARCHAR, position INTEGER,
    header VARCHAR, field VARCHAR
);

-- every run whose blocking checks passed: the work lake's snapshot of the checked marts
-- (waiting → published | rejected | superseded)
CREATE TABLE IF NOT EXISTS work.ops.release_candidates (
    candidate_id INTEGER, work_snapshot BIGINT, run_id VARCHAR, created_at TIMESTAMP,
    status VARCHAR, awaiting VARCHAR, checks VARCHAR, decided_by VARCHAR,
    decided_at TIMESTAMP, reason VARCHAR, release_id BIGINT
);

-- runs the gate stopped (recorded by the blocked run's report job): the IOC operations
-- report counts them, a briefing made meanwhile says it uses the latest good release
CREATE TABLE IF NOT EXISTS work.ops.blocked_runs (
    run_id VARCHAR, started_at TIMESTAMP, recorded_at TIMESTAMP, failures VARCHAR
);
