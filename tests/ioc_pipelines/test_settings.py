from pathlib import Path

import pytest

from ioc_pipelines.settings import SettingsError, libpq_conninfo, load_settings


def env(tmp_path: Path, **kw: str) -> dict[str, str]:
    return {"IOC_HOME": str(tmp_path), "IOC_ENV_FILE": str(tmp_path / "none.env"), **kw}


def test_embedded_default_needs_nothing(tmp_path):
    s = load_settings(env(tmp_path))
    assert s.object_store == "local"
    assert s.s3 is None
    assert s.work_catalog.kind == "sqlite"
    assert s.work_catalog.ducklake_uri() == f"ducklake:sqlite:{tmp_path / 'catalog' / 'work.sqlite'}"
    assert s.dagster_home == tmp_path / "dagster"
    assert len(s.pseudonym_key) >= 32
    assert (tmp_path / "secrets" / "pseudonym.key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"IOC_OBJECT_STORE": "ftp"}, "IOC_OBJECT_STORE"),
        ({"IOC_OBJECT_STORE": "s3"}, "IOC_S3_ENDPOINT"),
        ({"IOC_OBJECT_STORE": "s3", "IOC_S3_ENDPOINT": "http://127.0.0.1:9000"}, "IOC_S3_ACCESS_KEY"),
        ({"IOC_OBJECT_STORE": "s3", "IOC_S3_ENDPOINT": "ftp://x", "IOC_S3_ACCESS_KEY": "a",
          "IOC_S3_SECRET_KEY": "b"}, "IOC_S3_ENDPOINT"),
        ({"IOC_S3_PATH_STYLE": "maybe"}, "IOC_S3_PATH_STYLE"),
        ({"IOC_WORK_BUCKET": "Bad_Bucket"}, "IOC_WORK_BUCKET"),
        ({"IOC_WORK_CATALOG": "mysql://x/y"}, "IOC_WORK_CATALOG"),
        ({"IOC_DAGSTER_STORAGE": "redis://x"}, "IOC_DAGSTER_STORAGE"),
        ({"IOC_PROVINCE": "99"}, "IOC_PROVINCE"),
        ({"IOC_PSEUDONYM_KEY": "short"}, "IOC_PSEUDONYM_KEY"),
        ({"IOC_OBJECT_STOR": "s3"}, "IOC_OBJECT_STOR"),  # a typo is not silently ignored
        ({"IOC_DUCKDB_MEMORY_MB": "3GB"}, "IOC_DUCKDB_MEMORY_MB"),
    ],
)
def test_misconfiguration_names_the_variable(tmp_path, extra, named):
    with pytest.raises(SettingsError, match=named):
        load_settings(env(tmp_path, **extra))


def test_s3_and_postgres_settings(tmp_path):
    s = load_settings(env(
        tmp_path, IOC_OBJECT_STORE="s3", IOC_S3_ENDPOINT="https://minio.ioc.local:9000",
        IOC_S3_ACCESS_KEY="k", IOC_S3_SECRET_KEY="sec", IOC_S3_PATH_STYLE="false",
        IOC_PUBLISHED_CATALOG="postgresql://ioc:pw@db.local:5433/ioc_published"))
    assert s.s3.endpoint == "minio.ioc.local:9000" and s.s3.use_ssl and not s.s3.path_style
    assert s.published_catalog.ducklake_uri() == (
        "ducklake:postgres:dbname=ioc_published host=db.local port=5433 user=ioc password=pw")
    assert "sec" not in repr(s)  # secrets stay out of logs


def test_env_file_is_read_and_process_env_wins(tmp_path):
    dot = tmp_path / "my.env"
    dot.write_text("IOC_WORK_BUCKET=from-file\nIOC_PUBLISHED_BUCKET=pub-file\n")
    s = load_settings({"IOC_HOME": str(tmp_path), "IOC_ENV_FILE": str(dot),
                       "IOC_PUBLISHED_BUCKET": "pub-env"})
    assert s.work_bucket == "from-file"
    assert s.published_bucket == "pub-env"


def test_a_postgresql_url_becomes_libpq_conninfo_with_socket_and_quoting(tmp_path):
    s = load_settings(env(tmp_path, IOC_WORK_CATALOG="postgresql://ioc:p%27w%20x@/lake?"
                          "host=/run/pg%20sock&sslmode=require", IOC_PG_BIN="/opt/pg/bin"))
    assert s.work_catalog.ducklake_uri() == (
        "ducklake:postgres:dbname=lake user=ioc password='p\\'w x' host='/run/pg sock' "
        "sslmode=require")
    assert libpq_conninfo(s.work_catalog.postgres_url, password=False) == (
        "dbname=lake user=ioc host='/run/pg sock' sslmode=require")
    assert str(s.pg_bin) == "/opt/pg/bin"


def test_every_duckdb_connection_is_bounded_in_memory(tmp_path):
    """The pipeline's connections and dbt's profile hold DuckDB to IOC_DUCKDB_MEMORY_MB and
    spill to the home's tmp beyond it."""
    import yaml

    from ioc_pipelines.resources.dbt import write_profile
    from ioc_pipelines.resources.lakes import connect

    settings = load_settings(env(tmp_path, IOC_DUCKDB_MEMORY_MB="1536"))
    with connect(settings) as con:
        limit, spill = con.execute("SELECT current_setting('memory_limit'), "
                                   "current_setting('temp_directory')").fetchone()
    assert (limit, spill) == ("1.4 GiB", str(tmp_path / "spill"))
    # a sort bigger than the bound spills into the home (DuckDB makes the directory and
    # removes it after) — on a fresh home too
    small = load_settings(env(tmp_path / "fresh", IOC_DUCKDB_MEMORY_MB="64"))
    with connect(small, work=False) as con:
        assert con.execute("SELECT count(DISTINCT v) FROM (SELECT (random() * 1e12)::BIGINT "
                           "AS v, repeat('x', 40) AS pad FROM range(4000000) ORDER BY v)"
                           ).fetchone()[0] > 3_000_000
    profile = yaml.safe_load((write_profile(settings) / "profiles.yml").read_text())
    # set once when dbt opens its database (re-set per cursor, DuckDB refuses to move a
    # temporary directory it has used: the Hưng Yên benchmark's build failed so)
    assert profile["ioc"]["outputs"]["work"]["config_options"] == settings.duckdb_config()
    assert "memory_limit" not in profile["ioc"]["outputs"]["work"]["settings"]
    assert load_settings(env(tmp_path)).duckdb_memory_mb == 2048
