"""Uploads held while the home is busy: checked at once, kept with who sent them, landed by
the next holder of the lock under the sender's name; landing a ticket twice (a crash between
landing and removing it) is a no-op."""

from __future__ import annotations

import shutil

from ioc_pipelines.core import audit, deliveries, inbox
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.settings import load_settings

HEADER = "Mã hộ;Mã xã;Số nhân khẩu;Phân loại hộ;Năm rà soát\n"


def test_held_uploads_are_answered_now_and_landed_by_the_next_lock_holder(ioc_home, tmp_path):
    settings = load_settings()
    good = tmp_path / "SYT__ho.csv"
    good.write_text(HEADER + "1200000001;03388;4;nghèo;2025\n1200000002;03388;2;nghèo;2025\n",
                    encoding="utf-8")
    empty = tmp_path / "SYT__rong.csv"
    empty.write_bytes(b"")
    sender = Actor("Trần Thị B", "web", "provider", "10.0.0.9")
    answered = inbox.hold(settings, sender, source="households", provider="SYT",
                          paths=[good, empty])
    assert answered[0].landed.status == "queued"
    assert answered[0].landed.records == {"households__households": 2}
    assert answered[1].error is not None and "empty" in answered[1].error.reason
    [ticket] = inbox.held(settings)
    assert (ticket["provider"], ticket["names"], ticket["actor"]["name"]) == (
        "SYT", ["SYT__ho.csv"], "Trần Thị B")
    assert inbox.held(settings, ("XA_03388",)) == []  # another provider does not see it
    assert deliveries.list_deliveries(settings, None) == []  # nothing landed yet

    kept = tmp_path / "copy"
    shutil.copytree(inbox.inbox_dir(settings) / ticket["ticket"], kept)
    with home_lock(settings, Actor("op"), "ioc run"):
        assert inbox.land_held(settings) == 1
    assert inbox.held(settings) == []
    [row] = deliveries.list_deliveries(settings, ("SYT",))
    assert row["file_name"] == "SYT__ho.csv" and row["delivery_id"] == \
        answered[0].landed.delivery_id
    [entry] = [e for e in audit.entries(settings, action="delivery.file") if e["outcome"] == "ok"]
    assert (entry["actor"], entry["address"]) == ("Trần Thị B", "10.0.0.9")

    # a crash after landing, before the ticket was removed: landing it again changes nothing
    shutil.copytree(kept, inbox.inbox_dir(settings) / ticket["ticket"])
    assert inbox.land_held_if_free(settings) == 1
    assert len(deliveries.list_deliveries(settings, ("SYT",))) == 1
