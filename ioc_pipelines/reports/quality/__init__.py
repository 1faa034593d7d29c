"""The liaison team's quality report (báo cáo chất lượng dữ liệu), HTML in Vietnamese.

One report per candidate (what the team reviews before ``ioc approve``), per release (made
when it is published, and by ``ioc quality-report --release N``), and per blocked run (what
stopped it): ``scopes.py`` says what it is about, ``figures.py`` reads its figures (SQL in
``sql/``), ``masking.py`` masks the samples, ``render.py`` renders and stores it."""

from ioc_pipelines.reports.quality.masking import mask
from ioc_pipelines.reports.quality.render import render_quality_report
from ioc_pipelines.reports.quality.scopes import (
    FILE_NAME,
    QualityReport,
    Scope,
    blocked_scope,
    candidate_scope,
    local_path,
    release_scope,
)

__all__ = ["FILE_NAME", "QualityReport", "Scope", "blocked_scope", "candidate_scope", "local_path", "mask",
           "release_scope", "render_quality_report"]
