-- đúng: every staged record with the list of rules it breaks (reason_codes, empty = valid).
-- Rules: CCCD structure/prefix/century-sex/birth-year (macro cccd_reason_codes), one ID per
-- person, commune code in the 2025 list, usable birth date, sex code, name present, a known
-- residence status (resident / deceased / moved out) dated between birth and delivery.
with citizens as (
    select * from {{ ref('stg_population__citizens') }}
),

-- an ID carried by more than one distinct person (name + birth date) is a duplicate
identities as (
    select
        citizen_id,
        count(
            distinct coalesce(full_name, '') || '|'
            || coalesce(birth_date::varchar, birth_date_text, '')
        ) as people
    from citizens
    where citizen_id is not null
    group by citizen_id
),

checked as (
    select
        citizens.*,
        list_filter(
            [
                {{ cccd_reason_codes(
                    'citizens.citizen_id', 'citizens.birth_date', 'citizens.sex_code',
                    birth_date_ok('citizens.birth_date', 'citizens.delivery_date'),
                    ref('cccd_birth_registration_codes')) }},
                case when identities.people > 1 then 'CCCD_DUPLICATE' end,
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
        ) as reason_codes,
        list_filter(
            [
                {{ commune_note('citizens.commune_code_delivered', 'citizens.commune_code') }},
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

select * from checked
