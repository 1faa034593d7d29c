-- A few quarantined records carrying one reason code (masked before they are shown).
SELECT provider_code AS provider, file_name AS file, record_number AS record, delivered_values
FROM {work:validated.quarantine_records}
WHERE list_contains(reason_codes, $code)
ORDER BY provider_code, file_name, record_number
LIMIT $samples
