"""The liaison team's quality report rendered: HTML in Vietnamese, on the object store (work
bucket, ``reports/quality/<scope>/``) and under ``$IOC_HOME/reports``."""

from __future__ import annotations

from ioc_pipelines.core import check_words
from ioc_pipelines.core.providers import provider_name
from ioc_pipelines.reports.charts import bars, heatmap, line_chart
from ioc_pipelines.reports.quality.figures import gather
from ioc_pipelines.reports.quality.scopes import QualityReport, Scope, object_key
from ioc_pipelines.reports.rendering import environment, province_title, store
from ioc_pipelines.settings import Settings

STATUS_VI = {"missing": "Chưa nộp", "late": "Nộp muộn", "on_time": "Đúng hạn"}
CANDIDATE_STATUS_VI = {"waiting": "chờ phê duyệt", "published": "đã công bố",
                       "rejected": "bị từ chối", "superseded": "bị ứng viên sau thay thế"}


def render_quality_report(settings: Settings, scope: Scope) -> QualityReport:
    figures = gather(settings, scope)
    said = (scope.checks or {}).get("warnings_vi") or {}
    html = environment().get_template("quality.html.j2").render(
        provider_vi=lambda code: provider_name(settings, code),
        warning_vi=lambda key: said.get(key) or check_words.generic(key),
        province=province_title(settings),
        scope=scope, f=figures, status_vi=STATUS_VI, candidate_vi=CANDIDATE_STATUS_VI,
        heatmap=heatmap(figures["heat_rows"], figures["principles"], figures["heat"],
                        "Tỷ lệ đạt theo đơn vị cung cấp và nguyên tắc"),
        trend=line_chart(figures["trend"]["labels"], figures["trend"]["series"],
                         "Tỷ lệ đạt qua các bản phát hành"),
        gate_chart=bars([(f"{d.provider} · {d.file_name}", d.rejected_share, d.limit)
                         for d in figures["closest_to_gate"]],
                        "Tỷ lệ bản ghi bị từ chối so với ngưỡng của hợp đồng dữ liệu"),
    )
    key = object_key(scope.label)
    return QualityReport(scope.label, key, store(settings, settings.work_bucket, key, html),
                         figures)
