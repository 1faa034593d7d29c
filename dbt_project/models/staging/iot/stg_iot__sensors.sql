-- sạch: sensors as the platforms describe them; an NGSI URN id keeps its last part.
select
    {{ lineage() }},
    regexp_replace(trim(sensor_id), '^urn:ngsi-ld:[^:]+:', '') as sensor_id,
    sensor_type,
    {{ clean_text('name') }} as sensor_name,
    longitude,
    latitude,
    {{ commune_columns('commune_code') }},
    {{ clean_text('river') }} as river,
    alert_level_1,
    alert_level_2,
    alert_level_3,
    platform
from {{ source('raw', 'iot__sensors') }}
