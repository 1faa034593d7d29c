{#- The rule-checked models every finding comes from: (source, raw table, model, reason column,
    rejects records?, geometry column to leave out of delivered values or none, has a
    commune_code?). One list for rule_findings, quarantine_records and the scorecard. -#}
{% macro checked_models() -%}
    {{ return([
        ('population', 'population__citizens', 'int_citizens_rule_checked', 'reason_codes', true, none, true),
        ('households', 'households__households', 'int_households_rule_checked', 'reason_codes', true, none, true),
        ('households', 'households__members', 'int_household_members_rule_checked', 'reason_codes', true, none, false),
        ('housing', 'housing__houses', 'int_houses_rule_checked', 'reason_codes', true, 'geom', true),
        ('land_permits', 'land_permits__permits', 'int_permits_rule_checked', 'reason_codes', true, none, true),
        ('indicators', 'indicators__reports', 'int_indicator_reports_rule_checked', 'reason_codes', true, none, true),
        ('finance', 'finance__budget', 'int_budget_rule_checked', 'reason_codes', true, none, false),
        ('finance', 'finance__projects', 'int_projects_rule_checked', 'reason_codes', true, none, true),
        ('enterprises', 'enterprises__events', 'int_enterprise_events_rule_checked', 'reason_codes', true, none, true),
        ('feedback', 'feedback__cases', 'int_feedback_cases_rule_checked', 'reason_codes', true, none, true),
        ('iot', 'iot__readings', 'iot_readings_checked', 'qc_flags', false, none, false),
        ('map', 'map__pois', 'int_pois_rule_checked', 'reason_codes', true, 'geom', true),
        ('map', 'map__lines', 'int_lines_rule_checked', 'reason_codes', true, 'geom', false),
        ('planning', 'planning__plans', 'int_plans_rule_checked', 'reason_codes', true, 'geom', true),
    ]) }}
{%- endmacro %}
