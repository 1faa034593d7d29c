-- Every record any rule flagged, across sources: source, raw table, provider, delivery, file,
-- record number and reason codes. Rejected records (is_quarantined: a blocking reason) wait for
-- a corrected delivery; records with only warnings (a converted pre-2025 commune code) are kept
-- and reported; IoT readings are kept with their QC flags. Feeds the rejection reports and the
-- scorecard; holds no field values, only where to find them.
{% set checked = [
    ('population', 'population__citizens', 'int_citizens_rule_checked', 'reason_codes', true),
    ('households', 'households__households', 'int_households_rule_checked', 'reason_codes', true),
    ('households', 'households__members', 'int_household_members_rule_checked', 'reason_codes', true),
    ('housing', 'housing__houses', 'int_houses_rule_checked', 'reason_codes', true),
    ('land_permits', 'land_permits__permits', 'int_permits_rule_checked', 'reason_codes', true),
    ('indicators', 'indicators__reports', 'int_indicator_reports_rule_checked', 'reason_codes', true),
    ('finance', 'finance__budget', 'int_budget_rule_checked', 'reason_codes', true),
    ('finance', 'finance__projects', 'int_projects_rule_checked', 'reason_codes', true),
    ('enterprises', 'enterprises__events', 'int_enterprise_events_rule_checked', 'reason_codes', true),
    ('feedback', 'feedback__cases', 'int_feedback_cases_rule_checked', 'reason_codes', true),
    ('iot', 'iot__readings', 'iot_readings_checked', 'qc_flags', false),
    ('map', 'map__pois', 'int_pois_rule_checked', 'reason_codes', true),
    ('planning', 'planning__plans', 'int_plans_rule_checked', 'reason_codes', true),
] %}
{% for source, raw_table, model, reasons, quarantined in checked %}
    select
        '{{ source }}' as source,
        '{{ raw_table }}' as raw_table,
        provider_code,
        delivery_id,
        delivery_date,
        file_name,
        record_number,
        {% if quarantined -%}
            list_sort({{ reasons }} || warning_codes) as reason_codes,
            len({{ reasons }}) > 0 as is_quarantined
        {%- else -%}
            list_sort({{ reasons }}) as reason_codes,
            false as is_quarantined
        {%- endif %}
    from {{ ref(model) }}
    where len({{ reasons }}) > 0{% if quarantined %} or len(warning_codes) > 0{% endif %}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
