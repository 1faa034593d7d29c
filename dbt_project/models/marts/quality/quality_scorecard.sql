-- The quality scorecard of a release: per source × provider × commune × period × principle
-- (sạch, đúng, đủ, sống), how many things were checked, how many passed, the share.
--   record rules: every record of the period is checked against every principle; it fails a
--     principle when it got a rule code of that principle (blocking or warning);
--   đủ: every delivery a contract expects (provider × period) — passed when it came;
--   sống: the same deliveries — passed when on time; and each source's freshness against its
--     SLA (provider and period empty).
-- The published copy adds the share of the previous release and the change since (publish).
with rules as (
    select
        principle,
        list(rule_id) as codes
    from {{ ref('quality_rules') }}
    group by principle
),

record_scores as (
    select
        records.source,
        records.provider_code,
        records.commune_code,
        records.period,
        'records' as measure,
        rules.principle,
        sum(records.records) as checked,
        sum(records.records) filter (
            where not list_has_any(records.codes, rules.codes)
        ) as passed
    from {{ ref('int_record_checks') }} as records
    cross join rules
    group by all
),

delivery_principles as (
    select unnest(['complete', 'live']) as principle
),

delivery_scores as (
    select
        expected.source,
        expected.provider as provider_code,
        null::varchar as commune_code,
        expected.period,
        'deliveries' as measure,
        delivery_principles.principle,
        count(*) as checked,
        count(*) filter (
            where
            (delivery_principles.principle = 'complete' and expected.status <> 'missing')
            or (delivery_principles.principle = 'live' and expected.status = 'on_time')
        ) as passed
    from {{ source('quality', 'delivery_completeness') }} as expected
    cross join delivery_principles
    group by all
),

freshness_scores as (
    select
        source,
        null::varchar as provider_code,
        null::varchar as commune_code,
        strftime(measured_at, '%Y-%m-%d') as period,
        'freshness' as measure,
        'live' as principle,
        1 as checked,
        case when is_stale then 0 else 1 end as passed
    from {{ source('quality', 'source_freshness') }}
),

scores as (
    select * from record_scores
    union all
    select * from delivery_scores
    union all
    select * from freshness_scores
)

select
    source,
    provider_code,
    commune_code,
    period,
    measure,
    principle,
    case principle
        when 'clean' then 'sạch'
        when 'correct' then 'đúng'
        when 'complete' then 'đủ'
        when 'live' then 'sống'
    end as principle_vi,
    checked,
    coalesce(passed, 0) as passed,
    round(coalesce(passed, 0) / checked, 4) as pass_share
from scores
where checked > 0
