-- sạch: indicator figures as reported; the code comes from the form or, when missing, from
-- the catalogue name (accent- and case-insensitive match).
with reports as (
    select
        {{ lineage() }},
        upper(trim(indicator_code)) as reported_code,
        {{ clean_text('indicator_name') }} as indicator_name,
        {{ clean_text('unit') }} as unit,
        trim(period) as period,
        actual,
        cumulative,
        plan_target,
        same_period_last_year,
        {{ commune_columns('commune_code') }},
        coalesce(is_correction, false) as is_correction
    from {{ source('raw', 'indicators__reports') }}
),

catalogue as (
    select * from {{ ref('indicators_catalogue') }}
)

select
    reports.*,
    coalesce(by_code.code, by_name.code) as indicator_code
from reports
left join catalogue as by_code on reports.reported_code = by_code.code
left join catalogue as by_name
    on
        reports.reported_code is null
        and lower(strip_accents(reports.indicator_name)) = lower(strip_accents(by_name.name))
