{#-
  Reason codes of the citizen-ID (CCCD / số định danh cá nhân) rules (docs/sources/population.md), as a
  comma-separated list of CASE expressions (each NULL when the rule passes):
    CCCD_CMND         a 9-digit legacy CMND number, no longer valid as an ID
    CCCD_FORMAT       not 12 ASCII digits
    CCCD_PREFIX       digits 1-3 are not a known birth-registration code
    CCCD_CENTURY_SEX  digit 4 disagrees with the birth century and the sex
    CCCD_BIRTH_YEAR   digits 5-6 are not the last two digits of the birth year
  The consistency rules run only when birth date and sex are usable, so one defect gives one
  reason. There is no check digit.
-#}
{% macro cccd_reason_codes(citizen_id, birth_date, sex_code, birth_date_ok, prefixes) -%}
    case
        when regexp_full_match({{ citizen_id }}, '[0-9]{9}') then 'CCCD_CMND'
    end,
    case
        when {{ citizen_id }} is null then 'CCCD_FORMAT'
        when
            not regexp_full_match({{ citizen_id }}, '[0-9]{12}')
            and not regexp_full_match({{ citizen_id }}, '[0-9]{9}')
            then 'CCCD_FORMAT'
    end,
    case
        when
            regexp_full_match({{ citizen_id }}, '[0-9]{12}')
            and substr({{ citizen_id }}, 1, 3) not in (select code from {{ prefixes }})
            then 'CCCD_PREFIX'
    end,
    case
        when
            regexp_full_match({{ citizen_id }}, '[0-9]{12}') and {{ birth_date_ok }}
            and {{ sex_code }} in (1, 2)
            and try_cast(substr({{ citizen_id }}, 4, 1) as integer)
            != (year({{ birth_date }}) // 100 - 19) * 2 + ({{ sex_code }} - 1)
            then 'CCCD_CENTURY_SEX'
        when
            regexp_full_match({{ citizen_id }}, '[0-9]{12}') and {{ birth_date_ok }}
            and {{ sex_code }} = 0
            and try_cast(substr({{ citizen_id }}, 4, 1) as integer) // 2
            != year({{ birth_date }}) // 100 - 19
            then 'CCCD_CENTURY_SEX'
    end,
    case
        when
            regexp_full_match({{ citizen_id }}, '[0-9]{12}') and {{ birth_date_ok }}
            and substr({{ citizen_id }}, 5, 2) != lpad(cast(year({{ birth_date }}) % 100 as varchar), 2, '0')
            then 'CCCD_BIRTH_YEAR'
    end
{%- endmacro %}

{#- True when a birth date is usable: parsed, not before 1900, not after the extract date. -#}
{% macro birth_date_ok(birth_date, as_of) -%}
    ({{ birth_date }} is not null and {{ birth_date }} >= date '1900-01-01' and {{ birth_date }} <= {{ as_of }})
{%- endmacro %}

{#- Normalised text: Unicode NFC, trimmed, inner whitespace collapsed, empty -> NULL. -#}
{% macro clean_text(column) -%}
    nullif(regexp_replace(trim(nfc_normalize({{ column }})), '\s+', ' ', 'g'), '')
{%- endmacro %}

{#- A code as text of `width` digits: a code exported as a number lost its leading zeros, so
    all-digit values shorter than `width` are left-padded; anything else is kept (trimmed) for
    the rules to judge. -#}
{% macro normalise_code(column, width) -%}
    case
        when regexp_full_match(trim({{ column }}), '[0-9]{1,{{ width }}}')
            then lpad(trim({{ column }}), {{ width }}, '0')
        else nullif(trim({{ column }}), '')
    end
{%- endmacro %}
