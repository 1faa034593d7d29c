"""Where a briefing's figures come from: each source's name and as-of (its latest scored
period, last delivery and newest record when published), the release's warn-level failures
on a section, and the notice when the newest attempt after the release did not publish."""

from __future__ import annotations

from ioc_pipelines.core import check_words, state
from ioc_pipelines.core.publishing import Release, local_time
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Section
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings

# a warn-level check on a source: <prefix>_<source>
SOURCE_CHECK_PREFIXES = ("delivered", "complete", "filled", "volume", "fresh")


def source_name(source: str) -> str:
    from connectors import SOURCES, get_connector

    if source not in SOURCES:
        return source
    return get_connector(source).contract.raw.get("title", source)


def as_of_rows(ctx: Context, sources: list[str]) -> list[dict]:
    """Per source: its latest period in the release's scorecard, and (from the release's
    metadata) its last delivery and newest record when published."""
    latest = {r["source"]: r["latest_period"]
              for r in ctx.query("sources_latest_period", sources=sources)}
    recorded = ctx.release.info.get("as_of", {})
    return [{"source": src, "name": source_name(src), "latest_period": latest.get(src),
             "last_delivery": recorded.get(src, {}).get("last_delivery"),
             "newest_record": recorded.get(src, {}).get("newest_record")} for src in sources]


def warnings_said(release: Release) -> list[str]:
    """Every warn-level check the release failed, in words."""
    checks = release.info.get("checks", {})
    said = checks.get("warnings_vi") or {}
    return [said.get(w) or check_words.generic(w) for w in checks.get("warnings", [])]


def warned_by(release: Release, section: Section) -> list[str]:
    """The release's warn-level failed checks on the section's sources or marts, each as the
    release said it in words (a release made before it did: said from the check's key)."""
    checks = release.info.get("checks", {})
    said = checks.get("warnings_vi") or {}
    out = []
    for warning in checks.get("warnings", []):
        asset, _, check = warning.rpartition(":")
        on_source = any(check == f"{p}_{src}" for p in SOURCE_CHECK_PREFIXES
                        for src in section.sources)
        on_mart = any(m in asset.split("/") or check.endswith(m) or f"_{m}_" in check
                      for m in section.marts)
        if on_source or on_mart:
            out.append(said.get(warning) or check_words.generic(warning))
    return out


def latest_good_notice(settings: Settings, release: Release) -> str | None:
    """When the newest attempt after ``release`` did not publish (a run blocked by the gate,
    a candidate rejected or waiting for sign-off), the sentence saying this report uses the
    latest good release instead."""
    from ioc_pipelines.core.candidates import list_candidates

    after = local_time(release.published_at)
    with connect(settings) as con:
        state.ensure(con)
        blocked = next((b for b in reversed(state.blocked_runs(con, None))
                        if b["started_at"] > after), None)
    pending = [c for c in list_candidates(settings)
               if c.created_at > after and c.status in ("waiting", "rejected")]
    used = (f"Báo cáo này dùng bản phát hành gần nhất đã qua kiểm tra: số {release.id}, "
            f"công bố lúc {release.published_at:%H:%M %d/%m/%Y}.")
    if blocked:
        why = "; ".join(dict.fromkeys(check_words.failure(f) for f in blocked["failures"]))
        return (f"Lần chạy mới nhất ({blocked['started_at']:%H:%M %d/%m/%Y}) bị cổng chất "
                f"lượng chặn ({why}). {used}")
    if pending:
        c = pending[-1]
        decided = "đang chờ phê duyệt" if c.status == "waiting" else "đã bị từ chối"
        return (f"Ứng viên phát hành mới nhất (số {c.id}, {c.created_at:%H:%M %d/%m/%Y}) "
                f"{decided}. {used}")
    return None


def period_notice(period, release: Release) -> str | None:
    """When ``release`` was published before the period ended, the sentence saying its
    figures stop there (a report scheduled before the day's release, a period in progress)."""
    published = local_time(release.published_at)
    if period.end < published.date():
        return None
    return (f"Bản phát hành số {release.id} được công bố lúc {published:%H:%M %d/%m/%Y}, "
            f"trước khi kỳ báo cáo kết thúc ({period.end:%d/%m/%Y}): số liệu của kỳ chỉ tính "
            "đến thời điểm đó.")
