-- sạch: one row per delivered registry record, text normalised (NFC, whitespace), dates and
-- codes typed. No record is dropped here; rules and quarantine come in the validated layer.
with source as (
    select * from {{ source('raw', 'population__citizens') }}
),

renamed as (
    select
        _delivery_id as delivery_id,
        _delivery_date as delivery_date,
        _provider as provider_code,
        _file as file_name,
        _record_number as record_number,
        _loaded_at as loaded_at,
        nullif(trim(citizen_id), '') as citizen_id,
        {{ clean_text('full_name') }} as full_name,
        nullif(trim(birth_date), '') as birth_date_text,
        coalesce(
            try_strptime(trim(birth_date), '%Y-%m-%d'),
            try_strptime(trim(birth_date), '%d/%m/%Y'),
            try_strptime(trim(birth_date), '%d-%m-%Y')
        )::date as birth_date,
        nullif(trim(sex), '') as sex_text,
        case lower({{ clean_text('sex') }})
            when '1' then 1
            when 'nam' then 1
            when 'male' then 1
            when '2' then 2
            when 'nữ' then 2
            when 'nu' then 2
            when 'female' then 2
            when '0' then 0
            when 'chưa xác định' then 0
        end as sex_code,
        nullif(trim(ethnicity_code), '') as ethnicity_text,
        -- the lists the registry declares (contract): QĐ 121 ethnic groups, QCVN 109 religions
        {{ code_from_list('ethnicity_code', ref('ethnic_groups_qd121_1979'), 2) }}
            as ethnicity_code,
        nullif(trim(religion_code), '') as religion_text,
        {{ code_from_list('religion_code', ref('religions_qcvn109'), 2) }} as religion_code,
        {{ commune_columns('commune_code') }},
        {{ clean_text('address') }} as address,
        nullif(trim(household_id), '') as household_id,
        {{ category('residence_status') }} as residence_status_text,
        case coalesce({{ category('residence_status') }}, 'thường trú')
            when 'thường trú' then 'resident'
            when 'tạm trú' then 'resident'
            when 'đã chết' then 'deceased'
            when 'chết' then 'deceased'
            when 'đã mất' then 'deceased'
            when 'chuyển đi' then 'moved_out'
            when 'đã chuyển đi' then 'moved_out'
        end as residence_status,
        status_date
    from source
)

select * from renamed
