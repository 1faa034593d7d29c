-- Public-investment disbursement by project at its latest reporting date, with the share of
-- the year's planned capital disbursed and the laggards: below the pace the calendar asks
-- (the share of the year elapsed) by more than 20 points.
with valid as (
    select *
    from {{ ref('int_projects_rule_checked') }}
    where len(reason_codes) = 0
),

latest as (
    select
        *,
        row_number() over (
            partition by project_code order by as_of desc, delivery_date desc, loaded_at desc
        ) as newest
    from valid
)

select
    project_code,
    project_name,
    investor,
    commune_code,
    is_key_project,
    as_of,
    unit,
    plan_capital,
    disbursed,
    round(100.0 * disbursed / nullif(plan_capital, 0), 1) as disbursed_pct,
    round(100.0 * dayofyear(as_of) / 365, 1) as year_elapsed_pct,
    100.0 * disbursed / nullif(plan_capital, 0) < 100.0 * dayofyear(as_of) / 365 - 20
        as is_lagging
from latest
where newest = 1
