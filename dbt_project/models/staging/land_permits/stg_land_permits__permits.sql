-- sạch: construction permits as delivered.
select
    {{ lineage() }},
    {{ clean_text('permit_number') }} as permit_number,
    issued_on,
    {{ clean_text('applicant_name') }} as applicant_name,
    nullif(trim(applicant_citizen_id), '') as applicant_citizen_id,
    {{ commune_columns('commune_code') }},
    {{ clean_text('address') }} as address,
    {{ clean_text('purpose') }} as purpose,
    floor_area_m2,
    floors,
    nullif(trim(map_sheet), '') as map_sheet,
    nullif(trim(parcel_number), '') as parcel_number,
    {{ category('status') }} as status
from {{ source('raw', 'land_permits__permits') }}
