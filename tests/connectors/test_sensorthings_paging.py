"""Following @iot.nextLink against a live (local) SensorThings endpoint."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.iot.sensorthings import fetch_pages, parse


@pytest.fixture
def server():
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(body or {}).encode())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base, pages
    httpd.shutdown()


def test_fetch_follows_next_links_and_the_pages_parse(server):
    base, pages = server
    obs = "/v1.1/Datastreams(7)/Observations"
    pages[obs] = {"value": [{"phenomenonTime": "2026-11-20T07:00:00+07:00", "result": 1.5}],
                  "@iot.nextLink": f"{base}{obs}?$skip=1"}
    pages[f"{obs}?$skip=1"] = {"value": [{"phenomenonTime": "2026-11-20T07:05:00+07:00",
                                          "result": 1.7}]}
    got = fetch_pages(f"{base}{obs}")
    assert len(got) == 2
    _sensors, readings = parse(got)
    assert [r["value"] for r in readings] == [1.5, 1.7]


def test_fetch_refuses_a_loop(server):
    base, pages = server
    pages["/a"] = {"value": [], "@iot.nextLink": f"{base}/a"}
    with pytest.raises(ValueError, match="loops back"):
        fetch_pages(f"{base}/a")
