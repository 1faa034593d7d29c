-- The scorecard by providing unit and month, as the IOC operations report shows the quality
-- trend: each department on its own, the province's communes together as one unit (XA), a
-- source-level measure (no provider) under its source's name.
with scorecard as (
    select * from {{ ref('quality_scorecard') }}
),

providers as (
    select * from {{ ref('dim_providers') }}
),

units as (
    select
        case
            when scorecard.provider_code like 'XA\_%' escape '\' then 'XA'
            else coalesce(scorecard.provider_code, scorecard.source)
        end as unit_code,
        left(scorecard.period, 7) as month,
        scorecard.checked,
        scorecard.passed
    from scorecard
)

select
    units.unit_code,
    case
        when units.unit_code = 'XA' then 'UBND các xã, phường'
        else providers.provider_name
    end as unit_name,
    units.month,
    sum(units.checked)::bigint as checked,
    sum(units.passed)::bigint as passed,
    round(sum(units.passed) / nullif(sum(units.checked), 0), 4) as pass_share
from units
left join providers on units.unit_code = providers.provider_code
group by all
