"""The sharing tests' world: one small demo province run end to end and published (release 1),
then a second release in which one table changed (to tell pinned versions apart), a real
``ioc serve`` over it with an account of every role, an API token for the agency, and the
agency's own Python (``.venv-agency``: the official delta-sharing client, OWSLib) to read it
with — as an agency would, in another process."""

from __future__ import annotations

import json
import signal
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ioc_pipelines.core import tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.publishing import publish_tables, release_table
from tests.conftest import REPO, clean_env, run_ioc
from tests.ioc_pipelines.web.portal_helpers import USERS, Portal, start_portal, stop_portal

AGENCY_PYTHON = REPO / ".venv-agency" / "bin" / "python"
CHANGED = "population_by_commune"  # release 2 keeps only some of its rows
HOSTILE = "=HYPERLINK(\"http://x.invalid\")<script>alert(1)</script>"  # a delivered name


@dataclass
class World:
    portal: Portal
    token: str
    profile: Path
    tmp: Path

    @property
    def settings(self):
        return self.portal.settings

    def agency(self, script: str, /, **values) -> dict:
        """Run ``script`` in the agency's Python (PROFILE, VALUES bound); it prints one JSON."""
        if not AGENCY_PYTHON.is_file():
            raise AssertionError(f"{AGENCY_PYTHON} is missing: `make agency-clients` makes it "
                                 "(make test does)")
        path = self.tmp / "agency_script.py"
        path.write_text(f"PROFILE = {str(self.profile)!r}\nVALUES = {values!r}\n"
                        + textwrap.dedent(script) + DONE, encoding="utf-8")
        proc = subprocess.run([str(AGENCY_PYTHON), str(path)], capture_output=True,
                              text=True, timeout=300, cwd=self.tmp)
        if proc.returncode != 0 and not aborted_at_exit(proc):
            raise AssertionError(f"agency script failed:\n{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-2])


# printed after an agency's script: it ran to its end
END = "-- the script ran to its end --"
DONE = f"\nprint({END!r}, flush=True)\n"
# pyarrow's reader thread can release the client's HTTP file system while Python exits
# (apache/arrow#39162; here about 1 run in 50): docs/sharing.md names it for the agencies
KNOWN_ABORT = "terminate called without an active exception"


def aborted_at_exit(proc: subprocess.CompletedProcess) -> bool:
    """The client's known abort, and only it: after the whole script ran, nothing else wrong."""
    return (proc.returncode == -signal.SIGABRT and proc.stderr.strip() == KNOWN_ABORT
            and proc.stdout.splitlines()[-1:] == [END])


@pytest.fixture(scope="session")
def sharing_world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sharing")
    home = tmp / "ioc"
    run_ioc(clean_env(home), "run", "--scale", "0.002", "--months", "2", "--approve-by", "test",
            timeout=1500)
    portal = start_portal(home)
    settings = portal.settings
    tables = {name: release_table(name, 1) for name in _release_tables(settings)}
    tables[CHANGED] = (f"(SELECT * FROM {release_table(CHANGED, 1)} "
                       "ORDER BY commune_code LIMIT 3)")
    # a point of interest whose delivered name is hostile: inert in every download
    hostile = HOSTILE.replace("'", "''")
    tables["map_points_of_interest"] = (
        f"(SELECT * REPLACE (CASE WHEN poi_id = (SELECT min(poi_id) FROM "
        f"{release_table('map_points_of_interest', 1)}) THEN '{hostile}' ELSE poi_name END "
        f"AS poi_name) FROM {release_table('map_points_of_interest', 1)})")
    publish_tables(settings, tables, run_id="test-release-2", author="test", exact=True)
    token = tokens.create(settings, Actor("test-setup"), USERS["agency"], "delta sharing test",
                          days=30)[0]
    profile = tmp / "ioc.share"
    profile.write_text(json.dumps({"shareCredentialsVersion": 1,
                                   "endpoint": f"{portal.url}/delta-sharing",
                                   "bearerToken": token}), encoding="utf-8")
    yield World(portal, token, profile, tmp)
    stop_portal(portal)


def _release_tables(settings) -> list[str]:
    from ioc_pipelines.core.publishing import get_release

    return list(get_release(settings, 1).tables)
