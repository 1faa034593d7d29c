"""A failed warn-level check said in Vietnamese words: what is wrong and whose it is ("Sở Y
tế (SYT) chưa nộp Báo cáo chỉ tiêu kinh tế - xã hội kỳ 09/2026, hạn 05/10/2026"), never the
check's key. Read from the delivery measurements the checks themselves read, when the release
is made (each release keeps its sentences in its metadata), so a briefing of a past release
says what was true then. A check without its own wording (a dbt test, a Great Expectations
suite on a mart) is said by the table it is on and the principle it guards."""

from __future__ import annotations

import re

from ioc_pipelines.core import state, vi_format
from ioc_pipelines.core.contracts import min_fill_rate
from ioc_pipelines.core.providers import provider_name, source_title
from ioc_pipelines.settings import Settings

RUN_TEXT = re.compile(r"check (?P<check>\S+) on (?P<asset>\S+) failed")
SHOWN = 4  # facts named per sentence; the rest counted
# a check on a source: <prefix>_<source>, with the principle it guards
SOURCE_CHECKS = {"delivered": "complete", "complete": "complete", "filled": "complete",
                 "volume": "complete", "fresh": "live"}


def explain(settings: Settings, con, keys: list[str]) -> dict[str, str]:
    """{check key ("asset:check"): its Vietnamese sentence} for the failed warn-level checks
    ``keys``, from the measurements in the work lake (``con``)."""
    from connectors import SOURCES

    state.ensure(con)
    measured = {name: state.measurements(con, name)
                if state.work_table_exists(con, "ops", name) else []
                for name in state.MEASUREMENTS}
    # a column is named as the provider's file headed it
    measured["headers"] = {(delivery, field): header for (delivery, _table), pairs in
                           state.delivered_columns(con, sorted({
                               r["delivery_id"] for r in measured["field_fill_rate"]})).items()
                           for header, field in pairs}
    out = {}
    for key in keys:
        asset, _, check = key.rpartition(":")
        prefix, _, source = check.partition("_")
        if prefix in SOURCE_CHECKS and source in SOURCES:
            out[key] = _on_source(settings, prefix, source, measured)
        else:
            out[key] = generic(key)
    return out


def generic(key: str) -> str:
    """A check known only by its key ("asset:check", or a run's "check C on A failed"), in
    words: on a source's deliveries, or on a table."""
    from connectors import SOURCES

    if said := RUN_TEXT.fullmatch(key):
        key = f"{said['asset']}:{said['check']}"
    asset, _, check = key.rpartition(":")
    prefix, _, source = check.partition("_")
    if prefix in SOURCE_CHECKS and source in SOURCES:
        what = {"delivered": "chưa từng giao dữ liệu", "complete": "còn thiếu lần giao đến hạn",
                "filled": "có trường bắt buộc bỏ trống nhiều",
                "volume": "bản trích xuất mới ít bản ghi hơn nhiều so với bản trước",
                "fresh": "quá hạn cập nhật theo cam kết"}[prefix]
        return f"{source_title(source)}: {what} (nguyên tắc {_principle(prefix)})."
    table = (asset or check).split("/")[-1]
    return (f"Một kiểm tra chất lượng mức cảnh báo trên bảng {table} không đạt; chi tiết trong "
            "báo cáo chất lượng dữ liệu.")


def _principle(prefix: str) -> str:
    return vi_format.principle(SOURCE_CHECKS[prefix])


def _on_source(settings: Settings, prefix: str, source: str, measured: dict) -> str:
    from connectors import get_connector

    title = source_title(source)
    owner = provider_name(settings, get_connector(source).contract.provider)
    if prefix == "complete":
        missing = [r for r in measured["delivery_completeness"]
                   if r["source"] == source and r["status"] == "missing"]
        if missing:
            facts = [f"{provider_name(settings, r['provider'])} chưa nộp kỳ "
                     f"{_period(r['period'])} (hạn {vi_format.day(r['due_date'])})"
                     for r in missing[:SHOWN]]
            return f"{title}: " + "; ".join(facts) + _more(len(missing)) + "."
    if prefix == "filled":
        limit = min_fill_rate(source)
        low = [r for r in measured["field_fill_rate"]
               if r["source"] == source and r["fill_rate"] < limit]
        low = sorted(low, key=lambda r: r["fill_rate"])[:SHOWN]
        if low:
            headers = measured["headers"]
            facts = [f"cột {_header(source, r['field'], headers.get((r['delivery_id'], r['field'])))}"
                     f" trong tệp {r['file_name']} của "
                     f"{provider_name(settings, r['provider'])} chỉ điền "
                     f"{vi_format.percent(r['fill_rate'])}" for r in low]
            return f"{title}: " + "; ".join(facts) + " — cần bổ sung ở lần giao sau."
    if prefix == "fresh":
        row = next((r for r in measured["source_freshness"] if r["source"] == source), None)
        sla = row.get("sla_hours") if row else None
        data_age = row.get("data_age_hours") if row else None
        if sla is not None and data_age is not None and data_age > sla:
            return (f"{title}: bản ghi mới nhất {owner} giao đã cũ {_hours(data_age)}, quá "
                    f"thời hạn cam kết {vi_format.figure(sla)} giờ.")
        if sla is not None and row.get("delivery_age_hours") is not None:
            return (f"{title}: lần giao gần nhất của {owner} đã cách "
                    f"{_hours(row['delivery_age_hours'])}, quá thời hạn cam kết "
                    f"{vi_format.figure(sla)} giờ.")
        return f"{title}: {owner} chưa giao lần nào trong thời hạn cam kết."
    if prefix == "delivered":
        return f"{title}: {owner} chưa từng giao dữ liệu; các bảng của nguồn này còn trống."
    return f"{generic(f':{prefix}_{source}')[:-1]} — {owner}."


def _header(source: str, field: str, delivered: str | None = None) -> str:
    """A field as the provider's file headed it (``delivered``), else the contract's first
    header for it ("ma_xa")."""
    from connectors import get_connector

    if delivered:
        return f"“{delivered}”"
    for entity in get_connector(source).contract.entities.values():
        for f in entity.fields:
            if f.name == field:
                plain = [a for a in f.aliases if not a.startswith("re:")]
                return f"“{plain[0]}”" if plain else field
    return field


def _period(label: str) -> str:
    parts = label.split("-")
    return "/".join(reversed(parts))  # 2026-09 -> 09/2026, 2026-09-05 -> 05/09/2026


def _hours(hours: float) -> str:
    return (f"{vi_format.figure(hours / 24)} ngày" if hours >= 48
            else f"{vi_format.figure(hours)} giờ")


def _more(count: int) -> str:
    return f" và {count - SHOWN} lần khác" if count > SHOWN else ""


def failure(text: str) -> str:
    """What stopped a run (a blocking check, or a step), said to a reader of a document."""
    said = RUN_TEXT.fullmatch(text)
    if said and said["check"] == "rejected_share_within_gate":
        return ("có lần giao có tỷ lệ bản ghi bị từ chối vượt ngưỡng của hợp đồng dữ liệu "
                "(đơn vị cung cấp nhận báo cáo bản ghi bị từ chối để sửa và giao lại)")
    if said:
        return "một kiểm tra chặn không đạt — " + generic(text)[:-1]
    return "một bước xử lý không hoàn thành (lỗi kỹ thuật, kỹ sư vận hành đang xử lý)"
