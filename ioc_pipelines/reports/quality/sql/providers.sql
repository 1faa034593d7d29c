-- Provider names.
SELECT provider_code, provider_name FROM {m:dim_providers}
