-- Quarantine of the population registry: the registry's rows of quarantine_records with the
-- fields a provider needs to find the person in their system unpacked from the delivered
-- values. Holds personal data: work lake only.
select
    source,
    provider_code,
    delivery_id,
    delivery_date,
    file_name,
    record_number,
    reason_codes,
    reasons_vi,
    fixes_vi,
    delivered_values ->> 'citizen_id' as citizen_id,
    delivered_values ->> 'full_name' as full_name,
    delivered_values ->> 'birth_date_text' as birth_date_text,
    delivered_values ->> 'sex_text' as sex_text,
    delivered_values ->> 'commune_code_delivered' as commune_code
from {{ ref('quarantine_records') }}
where raw_table = 'population__citizens'
