"""A provider sees what it owes (from the contracts) and nothing of another code's; the
liaison team sees every provider's."""

from __future__ import annotations


def test_what_is_due(portal):
    provider = portal.client("provider")
    page = provider.get("/due")
    assert page.status_code == 200
    assert 'id="due-indicators-SYT"' in page.text and "hằng tháng" in page.text
    assert "chưa giao" in page.text
    assert 'id="due-indicators-SCT"' not in page.text  # another department's
    reviewer = portal.client("reviewer")
    everyone = reviewer.get("/due")
    assert 'id="due-indicators-SYT"' in everyone.text and 'id="due-indicators-SCT"' in everyone.text
    assert portal.client("analyst").get("/due").status_code == 403
