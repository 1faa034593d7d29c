-- Commune names.
SELECT commune_code, commune_name FROM {m:dim_admin_units}
