"""DuckDB extensions: the pipeline's connections load packaged files checked once per process
against the wheel's record (DuckDB's own signature check off); SQL a person types keeps
DuckDB's check."""

from __future__ import annotations

import base64
import hashlib

import duckdb
import pytest

from ioc_pipelines.core import query
from ioc_pipelines.resources import extensions
from ioc_pipelines.resources.extensions import CHECKED_ONCE, ExtensionMissing, ensure_extensions
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings

LAKE_EXTENSIONS = {"ducklake", "httpfs", "sqlite_scanner"}


def _loaded(con) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}


def _unsigned(con) -> bool:
    return con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()[0]


@pytest.fixture
def fake_distribution(tmp_path, monkeypatch):
    """An installed distribution ``duckdb-extension-fake`` shipping ``fake``, with its RECORD."""
    site = tmp_path / "site"
    folder = site / "duckdb_extension_fake" / "extensions" / f"v{duckdb.__version__}"
    folder.mkdir(parents=True)
    (site / "duckdb_extension_fake" / "__init__.py").write_text("")
    packaged = folder / "fake.duckdb_extension"
    packaged.write_bytes(b"\x00not really an extension\x00" * 1000)
    info = site / "duckdb_extension_fake-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: duckdb-extension-fake\n"
                                   "Version: 1.0\n")
    digest = base64.urlsafe_b64encode(hashlib.sha256(packaged.read_bytes()).digest())
    relative = packaged.relative_to(site).as_posix()
    (info / "RECORD").write_text(f"{relative},sha256={digest.rstrip(b'=').decode()},"
                                 f"{packaged.stat().st_size}\n"
                                 "duckdb_extension_fake/__init__.py,,\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setitem(extensions.EXTENSIONS, "fake", "duckdb_extension_fake")
    extensions._checked_file.cache_clear()
    yield packaged
    extensions._checked_file.cache_clear()


def test_a_packaged_file_is_loaded_only_as_pip_installed_it(fake_distribution):
    assert extensions._checked_file("fake") == fake_distribution
    extensions._checked_file.cache_clear()
    data = bytearray(fake_distribution.read_bytes())
    data[100] ^= 1  # one bit changed after installation
    fake_distribution.write_bytes(bytes(data))
    with pytest.raises(ExtensionMissing, match="differs from the file duckdb-extension-fake"):
        extensions._checked_file("fake")


def test_a_file_the_wheel_does_not_record_is_refused(fake_distribution):
    stray = fake_distribution.with_name("stray.duckdb_extension")
    fake_distribution.rename(stray)
    fake_distribution.write_bytes(stray.read_bytes())  # a file in its place, not the recorded
    record = next(fake_distribution.parents[3].glob("*.dist-info")) / "RECORD"
    record.write_text("duckdb_extension_fake/__init__.py,,\n")
    with pytest.raises(ExtensionMissing, match="not in duckdb-extension-fake's record"):
        extensions._checked_file("fake")


def test_the_pipelines_connections_load_checked_files(ioc_home):
    settings = load_settings()
    with connect(settings) as con:
        assert _unsigned(con) and LAKE_EXTENSIONS <= _loaded(con)
        assert con.execute("SELECT count(*) FROM information_schema.schemata "
                           "WHERE catalog_name = 'work'").fetchone()[0] > 0
    con = duckdb.connect(config=CHECKED_ONCE)
    ensure_extensions(con, ["spatial"])
    assert "spatial" in _loaded(con)
    assert con.execute("SELECT ST_AsText(ST_Point(105.8, 21.0))").fetchone() == (
        "POINT (105.8 21)",)


def test_sql_a_person_types_keeps_duckdbs_signature_check(ioc_home):
    settings = load_settings()
    result = query.sql(settings, "SELECT current_setting('allow_unsigned_extensions') AS u, "
                                 "(SELECT count(*) FROM duckdb_extensions() WHERE loaded AND "
                                 "extension_name IN ('ducklake', 'spatial')) AS n")
    assert result.rows == [(False, 2)]
    with connect(settings, typed_sql=True) as con:
        assert not _unsigned(con) and LAKE_EXTENSIONS <= _loaded(con)
