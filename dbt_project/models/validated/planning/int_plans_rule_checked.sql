-- đúng: a plan's approval cannot be dated after its delivery.
select
    *,
    list_filter(
        [
            case when decision_date > delivery_date then 'DATE_FUTURE' end
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from {{ ref('stg_planning__plans') }}
