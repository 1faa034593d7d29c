-- Valid construction permits by commune, purpose and month of issue, with how many reference
-- a parcel the cadastral registry does not hold.
with permits as (
    select *
    from {{ ref('int_permits_rule_checked') }}
    where len(reason_codes) = 0
),

parcels as (
    select distinct
        commune_code,
        map_sheet,
        parcel_number
    from {{ ref('stg_land_permits__parcels') }}
)

select
    permits.commune_code,
    permits.purpose,
    strftime(permits.issued_on, '%Y-%m') as period,
    count(*) as permits,
    count(*) filter (where parcels.parcel_number is null) as permits_without_parcel,
    round(sum(permits.floor_area_m2), 1) as floor_area_m2
from permits
left join parcels
    on
        permits.commune_code = parcels.commune_code
        and permits.map_sheet = parcels.map_sheet
        and permits.parcel_number = parcels.parcel_number
group by all
