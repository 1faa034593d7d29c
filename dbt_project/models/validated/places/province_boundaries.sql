-- The province's real 2025 boundaries (the shared reference's GeoJSON, gzip-compressed and read
-- as it is; var boundaries_file comes from ioc_pipelines/provinces.py): one row per commune
-- and one for the province outline (is_province).
select
    code as commune_code,
    name as commune_name,
    code = '{{ var("province_code") }}' as is_province,
    geom
from st_read('{{ var("boundaries_file") }}')
