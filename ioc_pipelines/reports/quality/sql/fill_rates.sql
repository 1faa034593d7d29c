-- Each required field's fill rate per delivery, emptiest first.
SELECT source, provider, file_name AS file, field, records, filled, fill_rate AS rate
FROM {work:ops.field_fill_rate}
ORDER BY fill_rate, source, provider, file_name, field
