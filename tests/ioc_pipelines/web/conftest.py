"""The web tests' portal: one real ``ioc serve`` per module, stopped at its end."""

from __future__ import annotations

import pytest

from tests.ioc_pipelines.web.portal_helpers import start_portal, stop_portal


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    started = start_portal(tmp_path_factory.mktemp("portal") / "ioc")
    yield started
    stop_portal(started)
