-- Indicators actual vs plan by period (province-wide figures), with the status flag for
-- targets not yet met (chưa đạt). Rule: for rates (%, ‰) the period's figure against the plan;
-- for flows (every other unit: amounts, counts of a period) the cumulative since January
-- against the year plan pro-rated to the period's month — the delivered Lũy kế, else the sum
-- of the year's periods when every one of them up to this one was delivered, else the status
-- is unknown with the reason (a month is never compared with a year-to-date target).
-- Higher is better or lower by the catalogue's better_when. Corrections replace earlier
-- figures.
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
        catalogue.periodicity,
        catalogue.unit in ('%', '‰') as is_rate,
        try_cast(split_part(latest.period, '-', 1) as integer) as period_year,
        try_cast(split_part(latest.period, '-', 2) as integer) as period_month
    from latest
    inner join catalogue on latest.indicator_code = catalogue.code
    where latest.newest = 1
),

to_date as (
    select
        *,
        -- the year's periods delivered up to this one, and the sum of their figures
        sum(actual) over year_so_far as actual_year_to_date,
        count(actual) over year_so_far as periods_delivered,
        case periodicity
            when 'tháng' then period_month
            when 'quý' then period_month // 3
            else 1
        end as periods_due
    from figures
    window year_so_far as (
        partition by indicator_code, provider_code, period_year
        order by period_month
        rows between unbounded preceding and current row
    )
),

judged as (
    select
        * exclude (actual_year_to_date, periods_delivered, periods_due, cumulative),
        cumulative as cumulative_delivered,
        case
            when is_rate then null
            when cumulative is not null then cumulative
            when periods_delivered = periods_due then actual_year_to_date
        end as cumulative,
        case
            when is_rate then null
            when cumulative is not null then 'delivered'
            when periods_delivered = periods_due then 'sum of the periods delivered'
        end as cumulative_basis
    from to_date
)

select
    * exclude (is_rate, periodicity, period_year),
    round(100.0 * (actual / nullif(same_period_last_year, 0) - 1), 2) as growth_vs_last_year_pct,
    case
        when plan_target is null then null
        when is_rate then actual
        else cumulative / nullif(plan_target * period_month / 12.0, 0) * plan_target
    end as progress_value,
    case
        when plan_target is null or better_when = 'trung tính' then null
        when better_when = 'tăng' and is_rate then actual < plan_target
        when better_when = 'tăng' then cumulative < plan_target * period_month / 12.0
        when is_rate then actual > plan_target
        else cumulative > plan_target * period_month / 12.0
    end as is_not_met,
    case
        when
            plan_target is not null and better_when != 'trung tính' and not is_rate
            and cumulative is null
            then 'Chưa đánh giá được: báo cáo không có lũy kế và thiếu số liệu kỳ trước trong năm'
    end as not_judged_reason,
    'cumulative (delivered, or the sum of every period of the year so far) or the rate vs the '
    || 'year plan pro-rated to the month; higher/lower by the catalogue''s better_when'
        as not_met_rule
from judged
