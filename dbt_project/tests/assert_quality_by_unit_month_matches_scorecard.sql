-- A failing row means the quality trend by unit does not add up to the scorecard for a month
{{ config(meta={"dagster": {"ref": {"name": "quality_by_unit_month"}}}) }}
-- (a unit counted twice or lost), or a unit appears twice in one month.
with by_unit as (
    select
        month,
        sum(checked) as checked,
        sum(passed) as passed,
        count(*) as units,
        count(distinct unit_code) as distinct_units
    from {{ ref('quality_by_unit_month') }}
    group by all
),

scorecard as (
    select
        left(period, 7) as month,
        sum(checked) as checked,
        sum(passed) as passed
    from {{ ref('quality_scorecard') }}
    group by all
)

select
    scorecard.month,
    scorecard.checked,
    by_unit.checked as checked_by_unit,
    scorecard.passed,
    by_unit.passed as passed_by_unit
from scorecard
full outer join by_unit on scorecard.month = by_unit.month
where
    scorecard.checked is distinct from by_unit.checked
    or scorecard.passed is distinct from by_unit.passed
    or by_unit.units != by_unit.distinct_units
