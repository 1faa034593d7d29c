-- A failing row means the mart's total differs from the number of valid resident citizens in
{{ config(meta={"dagster": {"ref": {"name": "population_by_commune_sex_age"}}}) }}
-- communes of the 2025 list: a person was lost or counted twice between validated and mart.
select
    -- an empty mart totals 0, not NULL: a registry not delivered yet is đủ's to report, not a failure
    (
        select coalesce(sum(population), 0)
        from {{ ref('population_by_commune_sex_age') }}
    ) as mart_total,
    (
        select count(*) from {{ ref('citizens') }}
        where is_resident
    ) as citizens_total
where mart_total is distinct from citizens_total
