-- đúng: received not after the delivery, resolved not before received, satisfaction 1–5, a
-- status, a 2025 commune.
with staged as (
    select
        *,
        received_at > (delivery_date + interval 1 day)::timestamptz as received_in_future
    from {{ ref('stg_feedback__cases') }}
)

select
    * exclude (received_in_future),
    list_filter(
        [
            case when received_at is null or received_in_future then 'DATE_FUTURE' end,
            case
                when not received_in_future and resolved_at < received_at
                    then 'RESOLVED_BEFORE_RECEIVED'
            end,
            case when satisfaction not between 1 and 5 then 'SATISFACTION_INVALID' end,
            case when status is null then 'STATUS_MISSING' end,
            {{ commune_reason('commune_code_delivered') }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from staged
