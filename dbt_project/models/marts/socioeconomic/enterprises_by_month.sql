-- Enterprises founded, suspended, resumed and dissolved per month and commune, from valid
-- registration events, with the registered capital of the new ones.
select
    strftime(event_date, '%Y-%m') as period,
    commune_code,
    count(*) filter (where event_type = 'founded') as founded,
    count(*) filter (where event_type = 'suspended') as suspended,
    count(*) filter (where event_type = 'resumed') as resumed,
    count(*) filter (where event_type = 'dissolved') as dissolved,
    round(sum(registered_capital) filter (where event_type = 'founded'), 0)
        as founded_capital_million_vnd
from {{ ref('int_enterprise_events_rule_checked') }}
where len(reason_codes) = 0
group by all
