"""One module per section of the briefing reports; each builds a
:class:`~ioc_pipelines.reports.briefing.parts.Section` from its queries in ``../sql/``."""
