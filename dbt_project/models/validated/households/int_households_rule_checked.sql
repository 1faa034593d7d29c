-- đúng: every delivered household with the rules it breaks (empty list = valid) and the
-- warnings it carries: a converted pre-2025 commune code, a declared size different from the
-- members listed for it (cross-source check against the members file).
with staged as (
    select
        *,
        {{ natural_key('household_id') }} as duplicate_key
    from {{ ref('stg_households__households') }}
),

-- cross-source: members listed per household in the members file
listed as (
    select
        household_id,
        count(distinct citizen_id) as listed_members
    from {{ ref('stg_households__members') }}
    group by household_id
)

select
    staged.* exclude (duplicate_key),  -- noqa: RF02
    coalesce(listed.listed_members, 0) as listed_members,
    list_filter(
        [
            {{ commune_reason('commune_code_delivered') }},
            case
                when staged.poverty_status_text is not null and staged.poverty_status is null
                    then 'POVERTY_STATUS_INVALID'
            end,
            case
                when staged.member_count is null or staged.member_count not between 1 and 30
                    then 'MEMBER_COUNT_INVALID'
            end,
            {{ duplicate_reason('staged.duplicate_key', 'HOUSEHOLD_DUPLICATE', normalised=true) }}
        ],
        reason -> reason is not null
    ) as reason_codes,
    list_filter(
        [
            {{ commune_note('commune_code_delivered', 'commune_code') }},
            case
                when
                    staged.member_count between 1 and 30
                    and staged.member_count <> coalesce(listed.listed_members, 0)
                    then 'HOUSEHOLD_SIZE_MISMATCH'
            end
        ],
        note -> note is not null
    ) as warning_codes
from staged
left join listed on staged.household_id = listed.household_id
