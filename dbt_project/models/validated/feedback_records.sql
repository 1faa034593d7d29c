-- What each provider is told about its records: every record of every source that was
-- rejected (a blocking reason) or kept with a warning (a retired commune code converted, an ID
-- another person also carries …), with all its codes, the Vietnamese explanation and fix of
-- each, the provider, delivery, file and original record number, and the values as delivered
-- (JSON). IoT readings keep QC flags and are not here. The rejected ones are the quarantine
-- (quarantine_records). Holds personal data: work lake only.
with rejected as (
    {% for source, raw_table, model, reasons, quarantined, geometry, _commune in checked_models()
        if quarantined %}
        select
            '{{ source }}' as source,
            '{{ raw_table }}' as raw_table,
            checked.provider_code,
            checked.delivery_id,
            checked.delivery_date,
            checked.file_name,
            checked.record_number,
            list_sort(checked.all_reasons) as reason_codes,
            checked.is_rejected,
            -- the staged values without the rule columns (a merge patch with null drops a key)
            json_merge_patch(
                to_json(checked), '{"all_reasons": null, "is_rejected": null}'
            ) as delivered_values
        from (
            select
                {{ reasons }} || warning_codes as all_reasons,
                len({{ reasons }}) > 0 as is_rejected,
                * exclude (
                    {{ reasons }}, warning_codes, loaded_at
                    {%- if geometry %}, {{ geometry }}{% endif %}
                )
            from {{ ref(model) }}
            where len({{ reasons }}) > 0 or len(warning_codes) > 0
        ) as checked
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

explained as (
    select
        rejected.delivery_id,
        rejected.raw_table,
        rejected.record_number,
        string_agg(
            coalesce(rules.explanation_vi, reason.rule_id), '; ' order by reason.rule_id
        ) as reasons_vi,
        string_agg(rules.fix_vi, '; ' order by reason.rule_id) as fixes_vi
    from rejected
    cross join unnest(rejected.reason_codes) as reason (rule_id)
    left join {{ ref('quality_rules') }} as rules on reason.rule_id = rules.rule_id
    group by rejected.delivery_id, rejected.raw_table, rejected.record_number
)

select
    rejected.source,
    rejected.raw_table,
    rejected.provider_code,
    rejected.delivery_id,
    rejected.delivery_date,
    rejected.file_name,
    rejected.record_number,
    rejected.reason_codes,
    rejected.is_rejected,
    explained.reasons_vi,
    explained.fixes_vi,
    rejected.delivered_values
from rejected
inner join explained
    on
        rejected.delivery_id = explained.delivery_id
        and rejected.raw_table = explained.raw_table
        and rejected.record_number = explained.record_number
