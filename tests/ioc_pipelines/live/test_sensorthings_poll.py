"""SensorThings API polling against a real local HTTP server answering as a SensorThings
server does (Things with expanded Datastreams and Observations, pages linked by
@iot.nextLink): every page is read and spooled, the query's cursor becomes the newest
observation time and is sent back as ``{since}``, a re-read reading is one reading, a
server that fails is said and retried."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

from ioc_pipelines.core import live, live_deliver, live_maintain, live_poll, live_spool
from ioc_pipelines.core.raw import load_pending
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings

pytestmark = pytest.mark.slow
QUERY = ("/v1.1/Things?$expand=Datastreams($expand=ObservedProperty,"
         "Observations($filter=phenomenonTime%20gt%20{since}))")


class Station:
    """A SensorThings server's state: Things, each with one PM2.5 Datastream."""

    def __init__(self) -> None:
        self.observations: dict[str, list[tuple[datetime, float]]] = {"1": [], "2": []}
        self.asked: list[str] = []
        self.down = False

    def page(self, path: str, base: str) -> dict | None:
        if not path.startswith("/v1.1/Things"):
            return None
        found = re.search(r"phenomenonTime gt ([^)&]+)", unquote(path))
        since = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
        number = 2 if "$skip=1" in path else 1
        thing = str(number)
        obs = [{"@iot.id": f"{thing}-{i}", "phenomenonTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "result": v} for i, (t, v) in enumerate(self.observations[thing]) if t > since]
        body = {"value": [{
            "@iot.id": f"LCU-STA-0{thing}", "name": f"Trạm quan trắc {thing}",
            "Datastreams": [{"@iot.id": int(thing) * 10, "name": "PM2.5",
                             "unitOfMeasurement": {"name": "microgram per cubic metre",
                                                   "symbol": "µg/m³"},
                             "ObservedProperty": {"name": "pm25"},
                             "Observations": obs}]}]}
        if number == 1:
            body["@iot.nextLink"] = f"{base}{path}&$skip=1"
        return body


@pytest.fixture
def station():
    state = Station()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            state.asked.append(self.path)
            body = None if state.down else state.page(self.path, base)
            self.send_response(200 if body is not None else 503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body or {"error": "down"}).encode())

        def log_message(self, *_args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_port}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state, base
    httpd.shutdown()


def _readings(settings) -> list[tuple]:
    with connect(settings, work=False, live=True, live_read_only=True) as con:
        return con.execute("SELECT sensor_id, quantity, value, unit, _provider "
                           "FROM live.raw.iot__readings ORDER BY sensor_id, observed_at"
                           ).fetchall()


def test_polling_follows_next_links_and_moves_its_cursor(tmp_path, station):
    state, base = station
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                              "IOC_ENV_FILE": str(tmp_path / "none.env"),
                              "IOC_STA_URLS": f"ttkttv={base}{QUERY}"})
    now = datetime.now(UTC).replace(microsecond=0)
    state.observations["1"] = [(now - timedelta(minutes=20), 18.0),
                               (now - timedelta(minutes=10), 21.5)]
    state.observations["2"] = [(now - timedelta(minutes=15), 40.0)]

    said = []
    first = live_poll.poll_once(settings, log=said.append)
    assert (first.pages, first.readings, first.refused, first.failed) == (2, 3, 0, [])
    # the first look reaches back a day; both pages of the paging run were asked
    assert len(state.asked) == 2 and "$skip=1" in state.asked[1]
    cursor = live_spool.cursor(settings, f"sta|TTKTTV|{base}{QUERY}")
    assert cursor == (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")

    # the next poll asks from the cursor: only the new observation comes
    state.observations["2"].append((now - timedelta(minutes=5), 42.5))
    second = live_poll.poll_once(settings)
    assert second.readings == 1 and cursor in unquote(state.asked[2])
    # a server that fails: said, nothing moves, the next poll reads it again
    state.down = True
    third = live_poll.poll_once(settings, log=said.append)
    assert third.failed and any("503" in line for line in said)
    state.down = False

    result = live.run_batch(settings)
    assert (result.readings_new, result.rejected) == (4, 0) and result.published
    assert _readings(settings) == [
        ("LCU-STA-01", "pm25", 18.0, "µg/m³", "TTKTTV"),
        ("LCU-STA-01", "pm25", 21.5, "µg/m³", "TTKTTV"),
        ("LCU-STA-02", "pm25", 40.0, "µg/m³", "TTKTTV"),
        ("LCU-STA-02", "pm25", 42.5, "µg/m³", "TTKTTV")]

    # a poll that re-reads what was read (a cursor lost): one reading each, still
    live_spool.set_cursor(settings, f"sta|TTKTTV|{base}{QUERY}",
                          (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert live_poll.poll_once(settings).readings == 4
    again = live.run_batch(settings)
    assert (again.readings_new, again.readings_repeated) == (0, 4)
    assert len(_readings(settings)) == 4

    # maintenance: the snapshots of the batches expire and small files merge; every reading
    # and the published marts stay, and the next batch works as before
    kept = live_maintain.maintain(settings, keep="0 minutes")
    assert kept.snapshots_before > 5 and kept.snapshots_after == 1
    assert kept.files_after <= kept.files_before
    assert len(_readings(settings)) == 4
    assert {(s["sensor_id"], s["status"]) for s in live.status(settings)["sensors"]} == {
        ("LCU-STA-01", "normal"), ("LCU-STA-02", "normal")}
    state.observations["1"].append((now - timedelta(minutes=1), 25.0))
    assert live_poll.poll_once(settings).readings >= 1
    assert live.run_batch(settings).readings_new == 1

    # the live readings join the warehouse: delivered every 15 minutes as the provider's file,
    # through the ingest, into the daily path's raw table — each reading once
    handed = live_deliver.deliver_to_warehouse(settings, now=datetime.now(UTC)
                                               + timedelta(hours=1))
    assert handed.files == {"TTKTTV": 5} and not handed.busy
    assert live_deliver.deliver_to_warehouse(
        settings, now=datetime.now(UTC) + timedelta(hours=2)).files == {}
    [loaded] = load_pending(settings, "iot")
    assert (loaded.status, loaded.rows) == ("loaded", 5), loaded
    with connect(settings) as con:
        got = con.execute("SELECT ma_tram, quantity, value, unit, _provider FROM ("
                          "SELECT sensor_id AS ma_tram, * FROM work.raw.iot__readings) "
                          "ORDER BY ma_tram, observed_at").fetchall()
        landed = con.execute("SELECT provider, status FROM work.ops.deliveries "
                             "WHERE source = 'iot'").fetchall()
    assert [g[0] for g in got] == ["LCU-STA-01"] * 3 + ["LCU-STA-02"] * 2
    assert {g[4] for g in got} == {"TTKTTV"} and {g[3] for g in got} == {"µg/m³"}
    assert sorted(g[2] for g in got) == [18.0, 21.5, 25.0, 40.0, 42.5]
    assert landed == [("TTKTTV", "loaded")]
