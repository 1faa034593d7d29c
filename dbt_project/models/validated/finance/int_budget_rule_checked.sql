-- đúng: a budget line's cumulative actual cannot be several times the year's estimate (a
-- triệu/tỷ mistake).
select
    *,
    list_filter(
        [
            case when actual is null then 'ACTUAL_MISSING' end,
            case when estimate > 0 and actual > estimate * 3 then 'UNIT_SCALE' end,
            case when actual < 0 then 'VALUE_NEGATIVE' end
        ],
        reason -> reason is not null
    ) as reason_codes,
    []::varchar[] as warning_codes
from {{ ref('stg_finance__budget') }}
