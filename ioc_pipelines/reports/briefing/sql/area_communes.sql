-- The communes of the report's area.
SELECT commune_code FROM {m:dim_admin_units} WHERE {filter:communes} ORDER BY commune_code
