{#- The lineage every staged record keeps: provider, delivery, file and record number, the
    delivered text of values that did not parse, load time. -#}
{% macro lineage() -%}
    _provider as provider_code,
    _delivery_id as delivery_id,
    _delivery_date as delivery_date,
    _file as file_name,
    _record_number as record_number,
    _invalid as invalid_values,
    _loaded_at as loaded_at
{%- endmacro %}

{#- Lower-case, NFC, single-spaced category text for matching code lists ("Cận  nghèo" ->
    "cận nghèo"). -#}
{% macro category(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}

{#- The commune columns every staged source keeps: `commune_code_delivered` as sent (padded to
    5 digits; when a source sends only a name, the 2025 code that name identifies) and
    `commune_code` in the 2025 list — a retired pre-2025 code is converted through the
    crosswalk seed when it went to exactly one 2025 commune; anything else is kept as sent for
    the rules to judge.
    The lookups here and in code_from_list are maps built once per query by an uncorrelated
    subquery and indexed per record: a correlated subquery per record cost DuckDB ≈ 11 CPU-s
    per 3.5 M registry records for each lookup, a map lookup a fraction of a second. -#}
{% macro commune_columns(column, name_column=none) -%}
    {%- set delivered -%}
        {%- if name_column -%}
            coalesce({{ normalise_code(column, 5) }}, {{ commune_from_name(name_column) }})
        {%- else -%}
            {{ normalise_code(column, 5) }}
        {%- endif -%}
    {%- endset -%}
    {{ delivered }} as commune_code_delivered,
    coalesce((
        select map_from_entries(list((old_code, new_code)))
        from (
            select
                old_code,
                any_value(new_code) as new_code
            from {{ ref('admin_units_crosswalk_pre2025') }}
            where province_code = '{{ var("province_code") }}' and not is_split
            group by old_code
        )
    )[{{ delivered }}], {{ delivered }}) as commune_code
{%- endmacro %}

{#- The code of the one unit of the province a delivered name identifies, through its
    place_key: a 2025 commune, else a retired pre-2025 commune (its old code, which the
    crosswalk then converts). Null when no unit or more than one has that key. -#}
{% macro commune_from_name(name_column) -%}
    (
        select map_from_entries(list((unit_key, unit_code))) from (
            select
                {{ place_key('unit_name') }} as unit_key,
                any_value(unit_code) as unit_code
            from (
                select
                    code as unit_code,
                    name as unit_name
                from {{ ref('admin_units_2025') }}
                where province_code = '{{ var("province_code") }}'
                union all
                select
                    old_code as unit_code,
                    old_name as unit_name
                from {{ ref('admin_units_crosswalk_pre2025') }}
                where
                    province_code = '{{ var("province_code") }}'
                    and {{ place_key('old_name') }} not in (
                        select {{ place_key('name') }} from {{ ref('admin_units_2025') }}
                        where province_code = '{{ var("province_code") }}'
                    )
            )
            group by unit_key
            having unit_key is not null and count(*) = 1
        )
    )[{{ place_key(name_column) }}]
{%- endmacro %}

{#- A delivered commune code judged against the province's 2025 list (blocking reasons):
    COMMUNE_MISSING; COMMUNE_PRE2025_SPLIT (a retired code whose commune went to several 2025
    communes: the record must say which); COMMUNE_DISTRICT_LEVEL (a pre-2025 district code or
    name where a commune is required — there is no district level since 2025);
    COMMUNE_UNKNOWN; or null (a 2025 code, or a retired one the crosswalk converts). -#}
{% macro commune_reason(column) -%}
    case
        when {{ column }} is null then 'COMMUNE_MISSING'
        when {{ column }} in (
            select code from {{ ref('admin_units_2025') }}
            where province_code = '{{ var("province_code") }}'
        ) then null
        when {{ column }} in (
            select old_code from {{ ref('admin_units_crosswalk_pre2025') }}
            where province_code = '{{ var("province_code") }}' and is_split
        ) then 'COMMUNE_PRE2025_SPLIT'
        when {{ column }} in (
            select old_code from {{ ref('admin_units_crosswalk_pre2025') }}
            where province_code = '{{ var("province_code") }}'
        ) then null
        -- lists read once per query, looked into only for the few codes that reach here (an
        -- IN subquery would fold every record's place name first: 4 CPU-s per 3.5 M records)
        when list_contains((
            select list(ltrim(code, '0')) from {{ ref('districts_pre2025') }}
            where province_code = '{{ var("province_code") }}'
        ), ltrim({{ column }}, '0')) or list_contains((
            select list({{ place_key('name') }}) from {{ ref('districts_pre2025') }}
            where province_code = '{{ var("province_code") }}'
        ), {{ place_key(column) }}) then 'COMMUNE_DISTRICT_LEVEL'
        else 'COMMUNE_UNKNOWN'
    end
{%- endmacro %}

{#- Non-blocking: COMMUNE_CONVERTED when the delivered code was a retired pre-2025 code the
    crosswalk converted (the record is kept under its 2025 commune and the provider is told). -#}
{% macro commune_note(delivered, converted) -%}
    case when {{ delivered }} is distinct from {{ converted }} then 'COMMUNE_CONVERTED' end
{%- endmacro %}

{#- The warning list of a record whose only possible warning is a converted commune code. -#}
{% macro commune_warnings() -%}
    list_filter(
        [{{ commune_note('commune_code_delivered', 'commune_code') }}], note -> note is not null
    )
{%- endmacro %}

{#- A place name reduced to what survives its spelling variants: NFC, lower case, tone marks
    and đ folded (Thụy = Thuỵ, Hòa = Hoà), ’ and ' dropped, level prefixes and their
    abbreviations removed (Xã, Phường, Thị trấn, Đặc khu, Huyện, Thành phố, Thị xã, X., P.,
    TT., TX., TP., H.), spaces collapsed. Match within one province only, and only when the key
    names exactly one unit there: names repeat across provinces, codes do not. -#}
{% macro place_key(column) -%}
    nullif(trim(regexp_replace(regexp_replace(regexp_replace(
        replace(strip_accents(lower(nfc_normalize(trim({{ column }})))), 'đ', 'd'),
        '[''’‘`]', '', 'g'),
        '^(xa|phuong|thi tran|dac khu|huyen|thanh pho|thi xa|tt\.?|tx\.?|tp\.?|x\.|p\.|h\.)\s*',
        ''), '\s+', ' ', 'g')), '')
{%- endmacro %}

{#- The natural key as compared for duplicates: NFC, upper case, no whitespace, so that
    near-duplicates ("gp 12/2025" and "GP12/2025 ") meet. -#}
{% macro natural_key(key) -%}
    nullif(upper(regexp_replace(nfc_normalize({{ key }}), '\s+', '', 'g')), '')
{%- endmacro %}

{#- Duplicates by natural key, the latest delivery winning: every copy in an older delivery
    than the key's latest is SUPERSEDED (kept in quarantine, replaced by the later delivery —
    this is how a corrected re-delivery re-admits a record); a second copy inside the latest
    delivery gets `code` (the first record of the file wins). Null for the winner.
    `normalised=true` when `key` is a column already holding natural_key(…): a large model
    computes it once in a CTE instead of once per window (≈ 5 CPU-s per 3.6 M records). -#}
{% macro duplicate_reason(key, code, normalised=false) -%}
    {%- set k = key if normalised else natural_key(key) -%}
    case
        when {{ k }} is null then null
        when delivery_id <> first_value(delivery_id) over (
            partition by {{ k }}
            order by delivery_date desc, loaded_at desc, delivery_id desc
        ) then 'SUPERSEDED'
        when row_number() over (
            partition by {{ k }}, delivery_id order by record_number
        ) > 1 then '{{ code }}'
    end
{%- endmacro %}

{#- True for every delivered copy of `key` after the first (oldest delivery, then record). -#}
{% macro is_later_copy(key) -%}
    ({{ key }} is not null and row_number() over (
        partition by {{ key }} order by delivery_date, loaded_at, file_name, record_number
    ) > 1)
{%- endmacro %}

{#- A code from a code list the source declared (seed with code, name): digits are padded to
    `width`; a name ("Thái", "H'Mông", "tin lành") is looked up by its folded spelling (case,
    tone marks, đ, spaces and punctuation ignored) when exactly one entry has it; anything else
    is null — the rules then warn (ETHNICITY_CODE_UNKNOWN, RELIGION_CODE_UNKNOWN). -#}
{% macro code_from_list(column, code_list, width) -%}
    case
        when regexp_full_match(trim({{ column }}), '[0-9]{1,{{ width }}}')
            then (
                select map_from_entries(list((code, code))) from (
                    select distinct listed.code from {{ code_list }} as listed
                    where listed.code is not null
                )
            )[lpad(trim({{ column }}), {{ width }}, '0')]
        else (
            select map_from_entries(list((name_key, code))) from (
                select
                    {{ fold_name('listed.name') }} as name_key,
                    any_value(listed.code) as code
                from {{ code_list }} as listed
                group by name_key
                having name_key is not null and count(*) = 1
            )
        )[{{ fold_name(column) }}]
    end
{%- endmacro %}

{#- A name folded for matching against a code list: lower case, no tone marks, đ as d, letters
    and digits only. -#}
{% macro fold_name(column) -%}
    nullif(regexp_replace(
        replace(strip_accents(lower(nfc_normalize({{ column }}))), 'đ', 'd'), '[^a-z0-9]', '', 'g'
    ), '')
{%- endmacro %}

{#- Marts of a layer kept record by record (map points, plans): each item's latest valid
    version — a corrected re-delivery replaces it, a later delivery that breaks a rule does not
    take a good item away. -#}
{% macro latest_valid_version(model, key) -%}
    select *
    from {{ ref(model) }}
    where len(reason_codes) = 0
    qualify row_number() over (
        partition by {{ key }}
        order by delivery_date desc, loaded_at desc, record_number desc
    ) = 1
{%- endmacro %}
