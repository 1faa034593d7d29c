"""Hostile deliveries through the real `ioc ingest`: each is refused with its reason, nothing of
it is written, and the good file delivered alongside still lands and loads."""

import zipfile

from ioc_pipelines.core.raw import load_pending
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from tests.conftest import clean_env, run_ioc
from tests.connectors.helpers import fixture

GOOD = "Mã hộ;Mã xã;Phân loại hộ\nHO1200000001;03388;nghèo\n"


def _zip_bomb(path):
    """A valid-looking workbook whose sheet inflates to 64 MB of zeros (a few KB on disk)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                fh.write(chunk)


def test_each_hostile_file_is_refused_and_the_good_one_goes_through(tmp_path, ioc_home):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.csv").write_text(GOOD, encoding="utf-8")
    # the header is SQL: it never reaches SQL (allow-list), the real columns load
    (d / "sql_header.csv").write_text(
        'Mã hộ;Mã xã;"x""; DROP TABLE work.ops.deliveries; --"\n'
        "HO1200000002;03390;boom\n", encoding="utf-8")
    hostile = {
        "renamed.xlsx": ("no ZIP signature", lambda p: p.write_text(GOOD, encoding="utf-8")),
        "workbook.csv": ("not text", lambda p: p.write_bytes(
            fixture("households", "ho_gia_dinh.xlsx").read_bytes())),
        "program.exe": ("format .exe is not accepted", lambda p: p.write_bytes(b"MZ\x90\x00")),
        "truncated.xlsx": ("truncated or corrupt", lambda p: p.write_bytes(
            fixture("households", "ho_gia_dinh.xlsx").read_bytes()[:2000])),
        "bomb.xlsx": ("zip bomb", _zip_bomb),
        "long_line.csv": ("longer than 1024 KiB", lambda p: p.write_text(
            "Mã hộ;Mã xã\n" + "9" * (100 << 20) + "\n")),
        "only_sql.csv": ("required column(s) missing", lambda p: p.write_text(
            '"a; DROP TABLE x";"b\'); --"\n1;2\n')),
    }
    for name, (_reason, make) in hostile.items():
        make(d / name)
    # a name that tries to climb out of the landing folder
    (d / "..\\..\\etc\\passwd.csv").write_text(GOOD.replace("HO1200000001", "HO1200000003"))

    files = [str(d / n) for n in ("good.csv", "sql_header.csv", *hostile,
                                  "..\\..\\etc\\passwd.csv")]
    proc = run_ioc(clean_env(ioc_home), "ingest", "households", *files, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for name, (reason, _make) in hostile.items():
        line = next((x for x in proc.stderr.splitlines() if name in x), "")
        assert reason in line, (name, proc.stderr[-3000:])
    assert proc.stdout.count("landed:") == 3, proc.stdout

    settings = load_settings()
    with connect(settings) as con:
        keys = sorted(r[0] for r in con.execute(
            "SELECT file_key FROM work.ops.deliveries").fetchall())
    assert len(keys) == 3
    assert all(k.startswith("landing/households/") and ".." not in k for k in keys)
    assert any(k.endswith("/etc_passwd.csv") or k.endswith("passwd.csv") for k in keys)
    landing = ioc_home / "objects" if (ioc_home / "objects").exists() else ioc_home
    assert not list(landing.rglob("bomb.xlsx")) and not list(landing.rglob("long_line.csv"))

    results = load_pending(settings, "households")
    assert [r.status for r in results] == ["loaded"] * 3
    with connect(settings) as con:
        cols = [r[0] for r in con.execute("DESCRIBE work.raw.households__households").fetchall()]
        assert not any("DROP" in c for c in cols)
        ids = con.execute("SELECT household_id FROM work.raw.households__households "
                          "ORDER BY 1").fetchall()
        assert [i[0] for i in ids] == ["HO1200000001", "HO1200000002", "HO1200000003"]
        assert con.execute("SELECT count(*) FROM work.ops.deliveries").fetchone()[0] == 3
