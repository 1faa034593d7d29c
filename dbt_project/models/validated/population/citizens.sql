-- đúng: citizens that pass every rule, one row per citizen ID; when a person appears in
-- several deliveries the newest delivery wins. Deceased and moved-out people stay (births,
-- history) with is_resident = false: population counts take residents only.
with checked as (
    select * from {{ ref('int_citizens_rule_checked') }}
    where len(reason_codes) = 0
)

select
    citizen_id,
    full_name,
    birth_date,
    sex_code,
    ethnicity_code,
    religion_code,
    commune_code,
    address,
    household_id,
    residence_status,
    status_date,
    residence_status = 'resident' as is_resident,
    provider_code,
    delivery_id,
    delivery_date,
    file_name,
    record_number
from checked
qualify row_number() over (
    partition by citizen_id
    order by delivery_date desc, loaded_at desc, record_number desc
) = 1
