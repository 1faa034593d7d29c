"""docs/sharing.md's commands work as written: every ```python and ```sh block, in order, run
by the agency's own Python and shell against a real ``ioc serve`` (the address in the docs
replaced by the test portal's), in a folder holding the agency's profile file ioc.share."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import REPO
from tests.ioc_pipelines.sharing.conftest import (
    AGENCY_PYTHON,
    DONE,
    END,
    KNOWN_ABORT,
    aborted_at_exit,
)

pytestmark = pytest.mark.slow
DOCS = REPO / "docs" / "sharing.md"
ADDRESS = "https://ioc.laichau.gov.vn"
BLOCK = re.compile(r"^```(python|sh)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_known_abort_is_told_apart():
    def proc(rc, out, err):
        return subprocess.CompletedProcess([], rc, out, err)

    assert aborted_at_exit(proc(-6, f"x\n{END}\n", KNOWN_ABORT + "\n"))
    assert not aborted_at_exit(proc(-6, "x\n", KNOWN_ABORT))  # it stopped before the end
    assert not aborted_at_exit(proc(1, f"{END}\n", KNOWN_ABORT))
    assert not aborted_at_exit(proc(-6, f"{END}\n",
                                     "Traceback …\n" + KNOWN_ABORT))
    assert not aborted_at_exit(proc(-11, f"{END}\n", ""))
    assert "known issue of the client" in DOCS.read_text(encoding="utf-8")


def test_the_docs_blocks_run_as_written(sharing_world):
    blocks = BLOCK.findall(DOCS.read_text(encoding="utf-8"))
    assert [kind for kind, _ in blocks].count("python") >= 3 and len(blocks) >= 5
    folder = sharing_world.tmp / "docs-run"
    folder.mkdir(exist_ok=True)
    shutil.copy(sharing_world.profile, folder / "ioc.share")
    env = {**os.environ, "PATH": f"{AGENCY_PYTHON.parent}:{os.environ['PATH']}"}
    for number, (kind, code) in enumerate(blocks, 1):
        code = code.replace(ADDRESS, sharing_world.portal.url)
        command = ([str(AGENCY_PYTHON), "-c", code + DONE] if kind == "python"
                   else ["bash", "-euo", "pipefail", "-c", code])
        proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0 or aborted_at_exit(proc), (
            f"block {number} ({kind}):\n{code}\n{proc.stderr[-2000:]}")
    assert (folder / "dan_so.parquet").stat().st_size > 0
    assert (folder / "catalog.jsonld").read_text(encoding="utf-8").startswith("{")
