-- The province's real 2025 boundaries (shared reference GeoJSON): one row per commune and one
-- for the province outline (is_province).
select
    code as commune_code,
    name as commune_name,
    code = '{{ var("province_code") }}' as is_province,
    geom
from st_read('{{ var("boundaries_file") }}')
