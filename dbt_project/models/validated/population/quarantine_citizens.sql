-- Quarantine: one row per rejected registry record with every reason code, the provider,
-- delivery and original record number, and the Vietnamese explanations for the rejection
-- report. Holds personal data: work lake only.
with checked as (
    select * from {{ ref('int_citizens_rule_checked') }}
    where len(reason_codes) > 0
),

rules as (
    select * from {{ ref('quality_rules') }}
),

explained as (
    select
        checked.delivery_id,
        checked.record_number,
        string_agg(rules.explanation_vi, '; ' order by rules.rule_id) as reasons_vi
    from checked
    cross join unnest(checked.reason_codes) as reason (rule_id)
    left join rules on reason.rule_id = rules.rule_id
    group by checked.delivery_id, checked.record_number
)

select
    'population' as source,
    checked.provider_code,
    checked.delivery_id,
    checked.delivery_date,
    checked.file_name,
    checked.record_number,
    list_sort(checked.reason_codes) as reason_codes,
    explained.reasons_vi,
    checked.citizen_id,
    checked.full_name,
    checked.birth_date_text,
    checked.sex_text,
    checked.commune_code,
    checked.loaded_at
from checked
inner join explained
    on
        checked.delivery_id = explained.delivery_id
        and checked.record_number = explained.record_number
