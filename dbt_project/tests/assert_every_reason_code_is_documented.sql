-- A failing row is a reason code some rule gives that has no Vietnamese explanation in the
-- quality_rules seed: providers would get a rejection they cannot read.
with given as (
    select distinct unnest(reason_codes) as rule_id
    from {{ ref('rule_findings') }}
)

select given.rule_id
from given
left join {{ ref('quality_rules') }} as rules on given.rule_id = rules.rule_id
where rules.rule_id is null
