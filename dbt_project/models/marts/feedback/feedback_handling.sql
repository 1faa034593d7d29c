-- Citizen feedback handling by month, category, handling unit and commune: received,
-- resolved on time / late, still open past the deadline, average handling hours and
-- satisfaction. No reporter identity reaches this mart. Satisfaction over any period or area
-- is sum(satisfaction_points) / sum(rated_cases): the mean over the cases that were rated.
with cases as (
    select *
    from {{ ref('int_feedback_cases_rule_checked') }}
    where len(reason_codes) = 0
)

select
    strftime(timezone('Asia/Ho_Chi_Minh', received_at), '%Y-%m') as period,
    category,
    handling_unit,
    commune_code,
    count(*) as received,
    count(*) filter (where resolved_at is not null and resolved_at <= due_at) as resolved_on_time,
    count(*) filter (where resolved_at is not null and resolved_at > due_at) as resolved_late,
    count(*) filter (where resolved_at is null) as open_cases,
    round(avg(epoch(resolved_at - received_at) / 3600.0), 1) as avg_handling_hours,
    round(avg(satisfaction), 2) as avg_satisfaction,
    count(satisfaction) as rated_cases,
    coalesce(sum(satisfaction), 0) as satisfaction_points
from cases
group by all
