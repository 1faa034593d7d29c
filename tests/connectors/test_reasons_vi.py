"""Every reason a file is refused for has a Vietnamese wording for the provider: each
``ConnectorError`` raised in the connectors and the landing step (found in the source, so a
new one cannot slip by) and real refusals of bad files through the real connectors."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from connectors import ConnectorError, get_connector
from connectors.base import Reading
from connectors.contract import Delivery
from connectors.reasons_vi import REASONS, notice_vi, reason_vi

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*(ROOT / "connectors").rglob("*.py"), ROOT / "ioc_pipelines/core/landing.py",
           ROOT / "ioc_pipelines/core/uploads.py"]
ENGLISH = re.compile(r"\b(the|is|not|file|no|has|line|of|and|missing|found|accepted)\b")


def _literal_heads() -> list[tuple[str, str]]:
    """(where, the literal start of the message) of every ConnectorError(file, "…") raised."""
    heads = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ConnectorError"
                    and len(node.args) == 2):
                message = node.args[1]
                if isinstance(message, ast.Constant):
                    heads.append((f"{path.name}:{node.lineno}", message.value))
                elif isinstance(message, ast.JoinedStr):
                    text = ""
                    for part in message.values:
                        if not isinstance(part, ast.Constant):
                            break
                        text += part.value
                    heads.append((f"{path.name}:{node.lineno}", text))
    return heads


def _pattern_head(pattern: str) -> str:
    return re.split(r"[\\(\[.*?+]", pattern, maxsplit=1)[0]


@pytest.mark.parametrize("where, head", _literal_heads())
def test_every_raised_reason_has_a_vietnamese_wording(where, head):
    assert any(head.startswith(_pattern_head(p)) or _pattern_head(p).startswith(head)
               for p, _vi in REASONS if _pattern_head(p)), f"{where}: {head!r}"


def test_the_scan_finds_the_raises():
    assert len(_literal_heads()) > 30


@pytest.mark.parametrize("source, name, data", [
    ("households", "ho.csv", b""),
    ("households", "ho.exe", b"MZ"),
    ("households", "ho.csv", "Mã hộ;Ghi chú\nHO1;x\n".encode()),
    ("households", "ho.csv", b"a;b\n\x00\x01\x02binary"),
    ("households", "ho.xlsx", b"not a zip"),
    ("households", "ho.csv", "Mã hộ;Mã xã;Số nhân khẩu\n".encode()),
    ("map", "ban_do.geojson", b'{"type": "Feature"}'),
    ("households", "ho.json", b"[1, 2"),
])
def test_real_refusals_read_in_vietnamese(source, name, data):
    delivery = Delivery(source, "SXD", date(2026, 11, 5), name, "0" * 64)
    with pytest.raises(ConnectorError) as refused:
        get_connector(source).read_delivery(data, delivery)
    said = refused.value.reason_vi
    assert not said.startswith("tệp không đọc được ("), refused.value.reason
    assert not ENGLISH.search(said.split("(")[0]), said


def test_an_unknown_reason_is_kept_after_a_vietnamese_lead():
    assert reason_vi("something new") == "tệp không đọc được (something new)"
    assert reason_vi("format .exe is not accepted for iot (accepted: json, csv)") == (
        "định dạng .exe không được nhận cho nguồn iot (nhận: json, csv)")


def test_a_delivery_notice_reads_in_vietnamese():
    notice = Reading({}, ("Ghi chú nội bộ",), tuple(f"I. NHÓM {n}" for n in range(12))).notice()
    said = notice_vi(notice)
    assert said.startswith("cột không được đọc (không khớp trường nào")
    assert "Ghi chú nội bộ" in said and "12 dòng tiêu đề nhóm không được đọc" in said
    assert said.endswith("và 2 dòng khác") and not ENGLISH.search(said)


def test_a_missing_column_is_named_as_the_provider_writes_it():
    delivery = Delivery("households", "SXD", date(2026, 11, 5), "ho.csv", "0" * 64)
    with pytest.raises(ConnectorError) as refused:
        get_connector("households").read_delivery("Mã hộ;Ghi chú\nHO1;x\n".encode(), delivery)
    assert refused.value.reason_vi.startswith(
        'thiếu cột bắt buộc: commune_code ("ma_xa": Mã xã/phường')
