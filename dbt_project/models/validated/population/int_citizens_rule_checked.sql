-- đúng: every staged record with the list of rules it breaks (reason_codes, empty = valid).
-- Rules: CCCD structure/prefix/century-sex/birth-year (macro cccd_reason_codes), one ID per
-- person, commune code in the 2025 list, usable birth date, sex code, name present, a known
-- residence status (resident / deceased / moved out) dated between birth and delivery.
with citizens as (
    select
        *,
        list_filter(
            [
                {{ cccd_reason_codes(
                    'citizen_id', 'birth_date', 'sex_code',
                    birth_date_ok('birth_date', 'delivery_date'),
                    ref('cccd_birth_registration_codes')) }}
            ],
            reason -> reason is not null
        ) as cccd_codes,
        coalesce(full_name, '') || '|'
        || coalesce(birth_date::varchar, birth_date_text, '') as identity
    from {{ ref('stg_population__citizens') }}
),

-- an ID carried by more than one distinct person (name + birth date) is a duplicate; when
-- exactly one of them is consistent with the ID (century/sex digit, birth year, format), that
-- one owns it: kept with a warning, the others quarantined — otherwise all are quarantined
identities as (
    select
        citizen_id,
        count(distinct identity) as people,
        count(distinct identity) filter (where len(cccd_codes) = 0) as consistent_people
    from citizens
    where citizen_id is not null
    group by citizen_id
),

checked as (
    select
        citizens.*,
        list_concat(citizens.cccd_codes, list_filter(
            [
                case
                    when
                        identities.people > 1
                        and not (identities.consistent_people = 1 and len(citizens.cccd_codes) = 0)
                        then 'CCCD_DUPLICATE'
                end,
                {{ commune_reason('citizens.commune_code_delivered') }},
                case
                    when not {{ birth_date_ok('citizens.birth_date', 'citizens.delivery_date') }}
                        then 'BIRTH_DATE_INVALID'
                end,
                case when citizens.sex_code is null then 'SEX_INVALID' end,
                case when citizens.full_name is null then 'NAME_MISSING' end,
                case
                    when citizens.residence_status is null then 'RESIDENCE_STATUS_INVALID'
                end,
                case
                    when
                        citizens.status_date > citizens.delivery_date
                        or citizens.status_date < citizens.birth_date
                        then 'STATUS_DATE_INVALID'
                end
            ],
            reason -> reason is not null
        )) as reason_codes,
        list_filter(
            [
                {{ commune_note('citizens.commune_code_delivered', 'citizens.commune_code') }},
                case
                    when
                        identities.people > 1 and identities.consistent_people = 1
                        and len(citizens.cccd_codes) = 0
                        then 'CCCD_DUPLICATE_KEPT'
                end,
                case
                    when citizens.ethnicity_text is not null and citizens.ethnicity_code is null
                        then 'ETHNICITY_CODE_UNKNOWN'
                end,
                case
                    when citizens.religion_text is not null and citizens.religion_code is null
                        then 'RELIGION_CODE_UNKNOWN'
                end
            ],
            note -> note is not null
        ) as warning_codes
    from citizens
    left join identities on citizens.citizen_id = identities.citizen_id
)

select * exclude (cccd_codes, identity) from checked
