"""What a provider delivered and what it was told: the deliveries recorded in ``work.ops``
(landed, loaded or refused, with the reason) and the feedback files of each delivery (the
rejection report as HTML, Excel and CSV). A door asks for a provider's own; reading a
feedback file is audited (it holds the provider's records)."""

from __future__ import annotations

from pathlib import Path

from ioc_pipelines.core import audit, state
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

FEEDBACK_FORMATS = {"html": "text/html; charset=utf-8",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "csv": "text/csv; charset=utf-8"}
COLUMNS = ("delivery_id, source, provider, delivery_date, file_name, status, row_count, reason, "
           "landed_at, loaded_at")


def list_deliveries(settings: Settings, providers: tuple[str, ...] | None,
                    limit: int = 300) -> list[dict]:
    """The newest deliveries (one row per file) of ``providers`` (None: every provider)."""
    if providers is not None and not providers:
        return []
    where, params = "", []
    if providers is not None:
        where = f"WHERE provider IN ({', '.join('?' for _ in providers)})"
        params = list(providers)
    with connect(settings) as con:
        if not state.work_table_exists(con, "ops", "deliveries"):
            return []
        cursor = con.execute(f"SELECT {COLUMNS} FROM work.ops.deliveries {where} "
                             f"ORDER BY landed_at DESC, file_name LIMIT {int(limit)}", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["feedback"] = feedback_formats(settings, row["provider"], row["delivery_id"])
    return rows


def _folder(settings: Settings, provider: str) -> Path:
    from ioc_pipelines.reports.rejections import safe_name

    return settings.reports_dir / "rejections" / safe_name(provider)


def feedback_formats(settings: Settings, provider: str, delivery_id: str) -> list[str]:
    """Which feedback files exist for the delivery (``html``, ``xlsx``, ``csv``)."""
    from ioc_pipelines.reports.rejections import safe_name

    folder = _folder(settings, provider)
    return [ext for ext in FEEDBACK_FORMATS
            if (folder / f"{safe_name(delivery_id)}.{ext}").is_file()]


def feedback_file(settings: Settings, actor: Actor, provider: str, delivery_id: str,
                  ext: str) -> Path:
    """The path of one feedback file (the caller checked the actor may read ``provider``'s);
    the download is audited."""
    from ioc_pipelines.reports.rejections import safe_name

    with audit.audited(settings, actor, "report.download",
                       f"rejections/{provider}/{delivery_id}.{ext}"):
        if ext not in FEEDBACK_FORMATS:
            raise CoreError(f"không có định dạng {ext}")
        path = _folder(settings, provider) / f"{safe_name(delivery_id)}.{ext}"
        if not path.is_file():
            raise CoreError("chưa có báo cáo phản hồi cho lần giao này (có sau lần chạy tới)")
    return path
