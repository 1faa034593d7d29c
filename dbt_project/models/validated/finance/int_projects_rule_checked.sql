-- đúng: disbursement is not negative, not above the planned capital, and not dated after the
-- delivery.
select
    *,
    list_filter(
        [
            case when disbursed < 0 then 'VALUE_NEGATIVE' end,
            case
                when plan_capital > 0 and disbursed > plan_capital * 1.05
                    then 'DISBURSED_EXCEEDS_PLAN'
            end,
            case when as_of is null or as_of > delivery_date then 'DATE_FUTURE' end
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from {{ ref('stg_finance__projects') }}
