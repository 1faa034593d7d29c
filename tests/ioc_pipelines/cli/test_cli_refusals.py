"""A refused request says why on stderr with exit code 2 — also from the commands that
capture their output while they work (run, approve) — and nothing else."""

from __future__ import annotations

import pytest

from tests.conftest import clean_env, run_ioc


@pytest.mark.parametrize(("args", "reason"), [
    (["approve", "7", "--by", "Lê Văn C"], "candidate 7 does not exist"),
    (["reject", "7", "--by", "x", "--reason", "y"], "candidate 7 does not exist"),
    (["publish", "--release", "7", "--by", "x"], "release 7 does not exist"),
    (["ingest", "weather", "x.csv"], "unknown source 'weather'"),
    (["report", "briefing", "--period", "2026-13", "--no-pdf"], "period '2026-13'"),
    (["ingest", "households", "x.csv", "--provider", "SYTT"],
     "unknown provider code 'SYTT'; did you mean SYT"),
    (["ingest", "households", "x.csv", "--provider", "anything at all"],
     "unknown provider code 'anything at all'"),
])
def test_refusal_is_said_on_stderr(tmp_path, args, reason):
    proc = run_ioc(clean_env(tmp_path / "ioc"), *args, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"ioc: error: {reason}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["ingest", "households", "x.csv", "--date", "2026-13-45"],
                                  ["demo-data", "--as-of", "22/11/2026"]])
def test_a_bad_date_is_a_usage_error(tmp_path, args):
    proc = run_ioc(clean_env(tmp_path / "ioc"), *args, check=False)
    assert proc.returncode == 2 and "not a date" in proc.stderr and "YYYY-MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_control_characters_in_a_file_name_never_reach_the_terminal(tmp_path):
    home = tmp_path / "ioc"
    name = "SNV__h\x1b[2J\x1b]0;pwned\x07o.csv"
    bad = tmp_path / name
    bad.write_text("Mã hộ;Mã xã;Phân loại hộ\nHO1200000001;03388;nghèo\n", encoding="utf-8")
    unknown = tmp_path / "KHONG_RO__ho.csv"
    unknown.write_text("Mã hộ;Mã xã;Phân loại hộ\nHO1200000002;03388;nghèo\n",
                       encoding="utf-8")
    proc = run_ioc(clean_env(home), "ingest", "households", str(bad), str(unknown), check=False)
    out = proc.stdout + proc.stderr
    assert "\x1b" not in out and "\x07" not in out  # no raw control character
    assert "\\x1b" in out  # shown as an escape
    assert "landed:" in proc.stdout  # the file itself is fine: its key is made safe
    # a file-name prefix that is no provider's code is refused for that file
    assert proc.returncode == 1
    assert "unknown provider code 'KHONG_RO'" in proc.stderr
