-- đúng: an indicator figure must be present, non-negative where the unit cannot be negative,
-- on the catalogue's scale (a value 100× the plan's monthly share is a triệu/tỷ mistake),
-- with readable text, a valid period (YYYY-MM, not after the delivery), a 2025 commune when
-- broken down, and no second submission of the same figure with a different value unless
-- marked as a correction.
with staged as (
    select * from {{ ref('stg_indicators__reports') }}
),

catalogue as (
    select * from {{ ref('indicators_catalogue') }}
),

checked as (
    select
        staged.*,
        catalogue.unit as catalogue_unit,
        catalogue.periodicity,
        lag(staged.actual) over (
            partition by
                staged.provider_code, staged.indicator_code, staged.period, staged.commune_code
            order by staged.delivery_date, staged.loaded_at, staged.file_name
        ) as previous_actual
    from staged
    left join catalogue on staged.indicator_code = catalogue.code
)

select
    * exclude (previous_actual),
    list_filter(
        [
            case when actual is null and invalid_values is null then 'ACTUAL_MISSING' end,
            case
                when
                    try_strptime(period || '-01', '%Y-%m-%d') is null
                    or try_strptime(period || '-01', '%Y-%m-%d')::date > delivery_date
                    then 'PERIOD_INVALID'
            end,
            case when actual < 0 and catalogue_unit <> '%' then 'VALUE_NEGATIVE' end,
            case
                when
                    catalogue_unit not in ('%', '‰') and periodicity = 'tháng'
                    and plan_target > 0 and actual > plan_target * 100 / 12
                    then 'UNIT_SCALE'
            end,
            case
                when regexp_matches(indicator_name, '[ÃÂÄÅÆ»¼½¾‘’•�?]|á»|áº')
                    then 'TEXT_MOJIBAKE'
            end,
            case
                when commune_code is not null
                    then {{ commune_reason('commune_code_delivered') }}
            end,
            case
                when
                    previous_actual is not null and actual is distinct from previous_actual
                    and not is_correction
                    then 'DOUBLE_SUBMISSION'
            end
        ],
        reason -> reason is not null
    ) as reason_codes,
    {{ commune_warnings() }} as warning_codes
from checked
