"""Reports. The briefings, the population report and a release's quality report are rendered
from a pinned release of the published lake (operations figures — deliveries, candidates,
blocked runs — from the work lake's ``ops`` tables as of that release's snapshot); the
providers' rejection reports from the work lake's quarantine, since they hold the providers'
own records and are never published."""
