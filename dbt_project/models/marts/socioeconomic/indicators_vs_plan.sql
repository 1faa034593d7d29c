-- Indicators actual vs plan by period (province-wide figures), with the status flag for
-- targets not yet met (chưa đạt). Rule: for indicators where higher is better, the
-- cumulative (or, for rates, the actual) is below the plan pro-rated to the period's month;
-- where lower is better, above it. Corrections replace earlier figures.
with valid as (
    select *
    from {{ ref('int_indicator_reports_rule_checked') }}
    where len(reason_codes) = 0 and commune_code is null and indicator_code is not null
),

latest as (
    select
        *,
        row_number() over (
            partition by indicator_code, period
            order by is_correction desc, delivery_date desc, loaded_at desc
        ) as newest
    from valid
),

catalogue as (
    select * from {{ ref('indicators_catalogue') }}
),

figures as (
    select
        latest.indicator_code,
        catalogue.name as indicator_name,
        catalogue.unit,
        catalogue.better_when,
        latest.period,
        latest.provider_code,
        latest.actual,
        latest.cumulative,
        latest.plan_target,
        latest.same_period_last_year,
        try_cast(split_part(latest.period, '-', 2) as integer) as period_month
    from latest
    inner join catalogue on latest.indicator_code = catalogue.code
    where latest.newest = 1
)

select
    *,
    round(100.0 * (actual / nullif(same_period_last_year, 0) - 1), 2) as growth_vs_last_year_pct,
    case
        when plan_target is null then null
        when unit in ('%', '‰') then actual
        else
            coalesce(cumulative, actual) / nullif(plan_target * period_month / 12.0, 0)
            * plan_target
    end as progress_value,
    case
        when plan_target is null or better_when = 'trung tính' then null
        when better_when = 'tăng' and unit in ('%', '‰') then actual < plan_target
        when better_when = 'tăng' then coalesce(cumulative, actual) < plan_target * period_month / 12.0
        when unit in ('%', '‰') then actual > plan_target
        else coalesce(cumulative, actual) > plan_target * period_month / 12.0
    end as is_not_met,
    'cumulative (or the rate) vs the year plan pro-rated to the month; higher/lower by the '
    || 'catalogue''s better_when' as not_met_rule
from figures
