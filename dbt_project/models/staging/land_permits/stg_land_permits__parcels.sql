-- sạch: cadastral parcels as delivered.
select
    {{ lineage() }},
    {{ commune_columns('commune_code') }},
    nullif(trim(map_sheet), '') as map_sheet,
    nullif(trim(parcel_number), '') as parcel_number,
    upper(trim(land_use_code)) as land_use_code,
    area_m2,
    {{ clean_text('holder_name') }} as holder_name,
    {{ clean_text('legal_status') }} as legal_status
from {{ source('raw', 'land_permits__parcels') }}
