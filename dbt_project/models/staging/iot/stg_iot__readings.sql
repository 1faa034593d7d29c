-- sạch: readings with sensor ids as in the registry and quantities normalised.
select
    {{ lineage() }},
    regexp_replace(trim(sensor_id), '^urn:ngsi-ld:[^:]+:', '') as sensor_id,
    observed_at,
    lower(replace(trim(quantity), '.', '')) as quantity,
    value,
    unit,
    platform
from {{ source('raw', 'iot__readings') }}
