"""The IOC operations report's releases: releases published in the period (approver, checks,
warnings, rollbacks), candidates rejected, runs the gate blocked."""

from __future__ import annotations

from datetime import datetime

from ioc_pipelines.core import state
from ioc_pipelines.core.publishing import list_releases, local_time
from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, num, text


def section(ctx: Context) -> Section:
    s = Section("phat-hanh", "Bản phát hành đã công bố, lần chạy bị chặn", [], [])
    start = datetime.combine(ctx.period.start, datetime.min.time())
    end = datetime.combine(ctx.period.end, datetime.max.time())
    releases = [r for r in list_releases(ctx.settings) if r.id <= ctx.release.id
                and start <= local_time(r.published_at) <= end]
    rejected = [c for c in state.candidates_in(ctx.con, ctx.work_snapshot, start, end)
                if c["status"] == "rejected"]
    blocked = _blocked_runs(ctx, start, end)
    s.cards = [Card("Bản phát hành công bố", num(len(releases), "ops:releases")),
               Card("Lần chạy bị cổng chất lượng chặn", num(len(blocked), "ops:blocked",
                                                            css="bad" if blocked else "ok")),
               Card("Ứng viên bị từ chối", num(len(rejected), "ops:rejected_candidates")),
               Card("Khôi phục (rollback)", num(sum(1 for r in releases
                                                     if r.info.get("republished_from")),
                                                "ops:rollbacks"))]
    s.tables.append(Table("Các bản phát hành trong kỳ", [
        ("Số", True), ("Công bố lúc", False), ("Ứng viên", True), ("Phê duyệt", False),
        ("Kiểm tra đạt", True), ("Cảnh báo", True), ("Ghi chú", False)],
        [_release_row(r) for r in releases], "Không có bản phát hành nào trong kỳ."))
    s.tables.append(Table("Các lần chạy bị chặn (không công bố)", [
        ("Lần chạy", False), ("Thời điểm", False), ("Lý do", False)],
        [[text(b["run_id"][:8]), text(f"{b['started_at']:%H:%M %d/%m/%Y}"),
          text("; ".join(b["failures"])[:300])] for b in blocked],
        "Không có lần chạy nào bị chặn trong kỳ."))
    return s


def _release_row(r) -> list:
    checks = r.info.get("checks", {})
    return [num(r.id, f"ops:release:{r.id}"), text(f"{r.published_at:%H:%M %d/%m/%Y}"),
            num(r.info.get("candidate")), text(r.approved_by or "—"),
            text(f"{checks.get('passed', '—')}/{checks.get('evaluated', '—')}"),
            num(len(checks.get("warnings", []))),
            text(f"khôi phục bản {r.info['republished_from']}" if r.info.get("republished_from")
                 else "")]


def _blocked_runs(ctx: Context, start: datetime, end: datetime) -> list[dict]:
    state.ensure(ctx.con)
    try:
        return state.blocked_runs(ctx.con, ctx.work_snapshot, start, end)
    except Exception as exc:  # noqa: BLE001 - a snapshot from before the table existed
        if "does not exist" in str(exc) or "not found" in str(exc).lower():
            return []
        raise
