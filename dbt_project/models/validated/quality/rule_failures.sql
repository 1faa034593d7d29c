-- Per reason code: how many flagged records carry it, from which providers and sources, with
-- the rule's principle, severity, explanation and fix (the quality report's rules failing
-- most). A record with several codes counts once under each.
with codes as (
    select
        unnest(reason_codes) as rule_id,
        provider_code,
        source
    from {{ ref('rule_findings') }}
),

rules as (
    select * from {{ ref('quality_rules') }}
)

select
    codes.rule_id,
    rules.principle,
    rules.severity,
    count(*) as records,
    list(distinct codes.provider_code order by codes.provider_code) as providers,
    list(distinct codes.source order by codes.source) as sources,
    rules.explanation_vi,
    rules.fix_vi
from codes
left join rules on codes.rule_id = rules.rule_id
group by all
