{#- Spatial scenario support: the three questions every sector scenario asks of a mart with
    geometry (WGS84). Usable in any model or `dbt show --inline`; see docs/spatial.md.

    where {{ within_km('geom', 103.4583, 22.3964, 5) }}     -- within 5 km of a point
    where {{ inside_area('geom', "st_geomfromtext('POLYGON((…))')") }}
    where {{ in_commune('geom', '03388') }}                 -- in a 2025 commune (real boundary)
-#}

{#- True when the geometry's centroid is within `km` kilometres (great-circle) of lon/lat. -#}
{% macro within_km(geom, lon, lat, km) -%}
    (st_distance_sphere(
        st_flipcoordinates(st_centroid({{ geom }})), st_point({{ lat }}, {{ lon }})
    ) <= {{ km }} * 1000)
{%- endmacro %}

{#- True when the geometry touches or lies inside `area` (an SQL geometry expression). -#}
{% macro inside_area(geom, area) -%}
    st_intersects({{ geom }}, {{ area }})
{%- endmacro %}

{#- True when the geometry lies (at least partly) in the commune's real 2025 boundary. -#}
{% macro in_commune(geom, commune_code) -%}
    st_intersects({{ geom }}, (
        select boundaries.geom from {{ ref('province_boundaries') }} as boundaries
        where boundaries.commune_code = '{{ commune_code }}'
    ))
{%- endmacro %}


{#- Staging: a delivered GeoJSON geometry as `geom` (NULL when it cannot be parsed) and
    `geometry_delivered` (a geometry was sent at all). Never fails the build. -#}
{% macro geometry_columns(column) -%}
    try(st_geomfromgeojson({{ column }})) as geom,
    nullif(trim({{ column }}), '') is not null as geometry_delivered
{%- endmacro %}

{#- Validated: GEOM_INVALID when a delivered (or, with required, any) geometry could not be
    read, or is not valid (a self-intersecting polygon, a ring not closed). -#}
{% macro geometry_reason(geom='geom', delivered='geometry_delivered', required=false) -%}
    case
        when {{ geom }} is null and ({{ delivered }}{% if required %} or true{% endif %})
            then 'GEOM_INVALID'
        when {{ geom }} is not null and not coalesce(try(st_isvalid({{ geom }})), false)
            then 'GEOM_INVALID'
    end
{%- endmacro %}

{#- True when x/y look like VN-2000 TM-3 metres anywhere in Viet Nam, the special zones at sea
    included: an easting from 400 km west of the zone's 500 km false easting to the Trường Sa
    islands' ≈ 1,450 km in Khánh Hòa's zone (Hoàng Sa: ≈ 1,050 km in Đà Nẵng's), a northing of
    the country's latitudes (≈ 6.3°-23.5° N). -#}
{% macro vn2000_metres(x='x', y='y') -%}
    ({{ x }} between 100000 and 1500000 and {{ y }} between 700000 and 2700000)
{%- endmacro %}

{#- True when a coordinate system is one of the VN-2000 TM-3 zones (EPSG:5896-5899, 9205-9218). -#}
{% macro vn2000_zone(crs) -%}
    regexp_full_match({{ crs }}, 'EPSG:(589[6-9]|92(0[5-9]|1[0-8]))')
{%- endmacro %}
