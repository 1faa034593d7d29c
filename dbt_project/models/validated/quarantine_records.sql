-- Quarantine: every rejected record of every source (a blocking reason), as the provider is
-- told about it (feedback_records). A corrected re-delivery supersedes these records. Holds
-- personal data: work lake only.
select * exclude (is_rejected)
from {{ ref('feedback_records') }}
where is_rejected
