-- A failing row is a registry delivery whose share of rejected records exceeds the contract's
-- gate (connectors/population/contract.yml: gate.max_rejected_share): publication is blocked.
{{ config(severity='error', tags=['gate']) }}

select
    delivery_id,
    count(*) as records,
    count(*) filter (where len(reason_codes) > 0) as rejected,
    rejected / records as rejected_share
from {{ ref('int_citizens_rule_checked') }}
group by delivery_id
having rejected_share > {{ var('population_max_rejected_share') }}
