-- The ten scorecard cells that fell most since the previous release.
SELECT
    source, coalesce(provider_code, '') AS provider, coalesce(commune_code, '') AS commune,
    period, measure, principle, previous_pass_share AS previous, pass_share AS share,
    change_since_previous AS change
FROM {scope:scorecard}
WHERE change_since_previous < 0
ORDER BY change_since_previous, source, provider_code, commune_code, period
LIMIT 10
