{#- Small-count suppression for sensitive breakdowns (ethnicity, religion: sensitive personal
    data under Law 91/2025/QH15). Takes a relation with a `people` count and the columns that
    form a group whose total is published elsewhere; returns it with `population` (null when
    suppressed) and `is_suppressed`. Primary: cells below var small_count_threshold. Secondary:
    where a group has exactly one primary cell, its next-smallest cell is suppressed too, so the
    hidden count cannot be recovered by subtracting the others from the group total. -#}
{% macro suppress_small_counts(relation, group_columns) -%}
    with ranked as (
        select
            *,
            people < {{ var('small_count_threshold') }} as is_primary,
            count(*) filter (where people < {{ var('small_count_threshold') }}) over (
                partition by {{ group_columns | join(', ') }}
            ) as primary_in_group,
            row_number() over (
                partition by {{ group_columns | join(', ') }}
                order by people >= {{ var('small_count_threshold') }}, people
            ) as rank_in_group
        from {{ relation }}
    )

    select
        * exclude (people, is_primary, primary_in_group, rank_in_group),
        case
            when is_primary or (primary_in_group = 1 and rank_in_group = 2) then null
            else people
        end as population,
        is_primary or (primary_in_group = 1 and rank_in_group = 2) as is_suppressed
    from ranked
{%- endmacro %}
