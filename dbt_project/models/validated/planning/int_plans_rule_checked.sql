-- đúng: a plan's approval cannot be dated after its delivery; a delivered area polygon must
-- be readable and valid.
select
    *,
    list_filter(
        [
            case when decision_date > delivery_date then 'DATE_FUTURE' end,
            {{ geometry_reason() }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from {{ ref('stg_planning__plans') }}
