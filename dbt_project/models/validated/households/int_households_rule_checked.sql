-- đúng: every delivered household with the rules it breaks (empty list = valid).
with staged as (
    select * from {{ ref('stg_households__households') }}
)

select
    *,
    list_filter(
        [
            {{ commune_reason('commune_code') }},
            case
                when poverty_status_text is not null and poverty_status is null
                    then 'POVERTY_STATUS_INVALID'
            end,
            case
                when member_count is null or member_count not between 1 and 30
                    then 'MEMBER_COUNT_INVALID'
            end,
            case when {{ is_later_copy('household_id') }} then 'HOUSEHOLD_DUPLICATE' end
        ],
        reason -> reason is not null
    ) as reason_codes
from staged
