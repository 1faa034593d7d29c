-- đúng: member links — the household must exist, the ID must be a 12-digit CCCD, one link
-- per person and household; a member the population registry records as deceased or moved
-- out is kept with the warning MEMBER_NOT_RESIDENT (cross-source check).
with staged as (
    select
        *,
        {{ natural_key("household_id || '|' || citizen_id") }} as duplicate_key
    from {{ ref('stg_households__members') }}
),

households as (
    select distinct household_id from {{ ref('stg_households__households') }}
),

-- cross-source: the registry's valid records of people who died or moved out
not_resident as (
    select citizen_id from {{ ref('citizens') }}
    where not is_resident
)

select
    staged.* exclude (duplicate_key),  -- noqa: RF02
    list_filter(
        [
            case
                when households.household_id is null then 'MEMBER_HOUSEHOLD_MISSING'
            end,
            case
                when not regexp_full_match(coalesce(staged.citizen_id, ''), '[0-9]{12}')
                    then 'CCCD_FORMAT'
            end,
            {{ duplicate_reason('staged.duplicate_key', 'MEMBER_DUPLICATE', normalised=true) }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    list_filter(
        [case when not_resident.citizen_id is not null then 'MEMBER_NOT_RESIDENT' end],
        note -> note is not null
    ) as warning_codes
from staged
left join households on staged.household_id = households.household_id
left join not_resident on staged.citizen_id = not_resident.citizen_id
