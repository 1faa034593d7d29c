-- A failing row means two scorecard rows share a cell: the change since the previous release
{{ config(meta={"dagster": {"ref": {"name": "quality_scorecard"}}}) }}
-- would be computed against the wrong one.
select
    source,
    provider_code,
    commune_code,
    period,
    measure,
    principle,
    count(*) as rows_in_cell
from {{ ref('quality_scorecard') }}
group by all
having count(*) > 1
