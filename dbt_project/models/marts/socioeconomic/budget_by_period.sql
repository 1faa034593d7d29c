-- Budget revenue and spending by period and item: the year's estimate, the actual since
-- January and the share achieved (valid lines only; the newest delivery of a period wins).
with valid as (
    select
        *,
        row_number() over (
            partition by period, coalesce(item_code, item_name)
            order by delivery_date desc, loaded_at desc
        ) as newest
    from {{ ref('int_budget_rule_checked') }}
    where len(reason_codes) = 0
)

select
    period,
    direction,
    item_code,
    item_name,
    unit,
    estimate,
    actual,
    round(100.0 * actual / nullif(estimate, 0), 1) as achieved_pct
from valid
where newest = 1
