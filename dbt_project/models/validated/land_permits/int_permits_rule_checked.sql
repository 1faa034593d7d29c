-- đúng: a permit needs its number, an issue date not after its delivery, a positive floor
-- area, a 2025 commune, and one record per permit number.
select
    *,
    list_filter(
        [
            case when permit_number is null then 'PERMIT_NUMBER_MISSING' end,
            case
                when issued_on is null or issued_on > delivery_date then 'DATE_FUTURE'
            end,
            case when floor_area_m2 <= 0 then 'AREA_INVALID' end,
            {{ commune_reason('commune_code_delivered') }},
            {{ duplicate_reason('permit_number', 'PERMIT_DUPLICATE') }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from {{ ref('stg_land_permits__permits') }}
