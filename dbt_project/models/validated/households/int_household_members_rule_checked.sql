-- đúng: member links — the household must exist, the ID must be a 12-digit CCCD, one link
-- per person and household.
with staged as (
    select * from {{ ref('stg_households__members') }}
),

households as (
    select distinct household_id from {{ ref('stg_households__households') }}
)

select
    staged.*,
    list_filter(
        [
            case
                when households.household_id is null then 'MEMBER_HOUSEHOLD_MISSING'
            end,
            case
                when not regexp_full_match(coalesce(staged.citizen_id, ''), '[0-9]{12}')
                    then 'CCCD_FORMAT'
            end,
            case
                when {{ is_later_copy("staged.household_id || '|' || staged.citizen_id") }}
                    then 'MEMBER_DUPLICATE'
            end
        ],
        reason -> reason is not null
    ) as reason_codes
from staged
left join households on staged.household_id = households.household_id
