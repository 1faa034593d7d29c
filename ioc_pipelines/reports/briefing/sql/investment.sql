-- Each public-investment project of the area at its latest disbursement report in the period.
SELECT
    project_code, project_name, investor, commune_code, as_of, unit, plan_capital,
    disbursed, disbursed_pct, year_elapsed_pct, is_lagging
FROM {m:investment_disbursement}
WHERE as_of <= $end AND {filter:area}
QUALIFY row_number() OVER (PARTITION BY project_code ORDER BY as_of DESC) = 1
ORDER BY disbursed_pct, project_code
