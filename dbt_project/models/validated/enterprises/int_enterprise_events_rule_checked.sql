{%- set event_key = "enterprise_code || '|' || coalesce(event_type_text, '') || '|' || "
    ~ "coalesce(event_date::varchar, '')" -%}
-- đúng: a 10-digit enterprise code (13 with a branch suffix), a known event type, a date not
-- after the delivery, a 2025 commune, one record per event.
select
    *,
    list_filter(
        [
            case
                when not regexp_full_match(coalesce(enterprise_code, ''), '[0-9]{10}(-[0-9]{3})?')
                    then 'ENTERPRISE_CODE_INVALID'
            end,
            case when event_type is null then 'EVENT_TYPE_INVALID' end,
            case
                when event_date is null or event_date > delivery_date then 'DATE_FUTURE'
            end,
            {{ commune_reason('commune_code_delivered') }},
            {{ duplicate_reason(event_key, 'EVENT_DUPLICATE') }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from {{ ref('stg_enterprises__events') }}
