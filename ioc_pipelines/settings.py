"""The one place that reads the environment: every ``IOC_*`` variable (or a ``.env`` file).

Everything else receives a :class:`Settings` object. Misconfiguration fails at start with a
:class:`SettingsError` that names the variable, so an operator knows what to fix.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from dotenv import dotenv_values

from ioc_pipelines.setting_values import (  # noqa: F401 - SettingsError is part of this API
    SettingsError,
    bool_value,
    bucket,
    name_list,
    port,
    province_code,
    require,
    whole,
)
from ioc_pipelines.settings_live import KNOWN_LIVE, LiveSettings, live_settings

PREFIX = "IOC_"
REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# name -> one-line meaning; documented in docs/operations.md, and anything else starting
# with IOC_ is rejected so a typo cannot silently fall through to a default.
KNOWN = {
    "IOC_HOME": "state directory (catalogs, local object store, Dagster storage); default ./.ioc",
    "IOC_OBJECT_STORE": "'local' (default: a directory) or 's3'",
    "IOC_LOCAL_STORE_DIR": "directory of the local object store; default $IOC_HOME/store",
    "IOC_S3_ENDPOINT": "S3 endpoint URL, e.g. http://127.0.0.1:8333 (required with s3)",
    "IOC_S3_REGION": "S3 region; default us-east-1",
    "IOC_S3_PATH_STYLE": "true (default) for path-style URLs (MinIO, SeaweedFS)",
    "IOC_S3_ACCESS_KEY": "pipeline identity access key (required with s3)",
    "IOC_S3_SECRET_KEY": "pipeline identity secret key (required with s3)",
    "IOC_ANALYST_ACCESS_KEY": "analyst identity (read-only, published bucket) access key",
    "IOC_ANALYST_SECRET_KEY": "analyst identity secret key",
    "IOC_WORK_BUCKET": "bucket of the work lake; default ioc-work",
    "IOC_PUBLISHED_BUCKET": "bucket of the published lake; default ioc-published",
    "IOC_WORK_CATALOG": "'sqlite' (default) or a postgresql:// URL for the work lake catalog",
    "IOC_PUBLISHED_CATALOG": "'sqlite' (default) or a postgresql:// URL for the published lake catalog",
    "IOC_DAGSTER_STORAGE": "'sqlite' (default, under $IOC_HOME/dagster) or a postgresql:// URL",
    "IOC_PSEUDONYM_KEY": "secret key for pseudonymising citizen IDs; generated in $IOC_HOME if unset",
    "IOC_PROVINCE": "2025 code of this IOC's province, any of the 34 (default 12 Lai Châu)",
    "IOC_ENV_FILE": "path of the .env file to read; default ./.env",
    "IOC_CHROMIUM": "Chromium binary that prints the PDF reports; default the first of "
    "chromium, chromium-browser, google-chrome on PATH",
    "IOC_APP_DB": "operational database (accounts, sessions, tokens, audit log): a SQLAlchemy "
    "URL, default sqlite under $IOC_HOME/app/ioc.sqlite; postgresql://user:pw@host/db in production",
    "IOC_PG_BIN": "directory of PostgreSQL's pg_dump and pg_restore (same major version as "
    "the server), used by ioc backup / restore for databases on PostgreSQL; default: PATH",
    "IOC_BACKUP_S3_ENDPOINT": "S3 server of `ioc backup s3://bucket/prefix` (http(s)://host:port); "
    "default: the home's own object store",
    "IOC_BACKUP_S3_ACCESS_KEY": "access key on the backup S3 server",
    "IOC_BACKUP_S3_SECRET_KEY": "secret key on the backup S3 server",
    "IOC_PORTAL_HOST": "address the portal (ioc serve) binds; default 127.0.0.1 (put TLS in front)",
    "IOC_PORTAL_PORT": "port of the portal; default 8088",
    "IOC_SESSION_KEY": "secret that signs portal session cookies; generated in $IOC_HOME if unset",
    "IOC_MAX_FILE_MB": "largest delivered file accepted, in MiB; default 4096 (a province's "
    "full registry extract fits)",
    "IOC_DUCKDB_MEMORY_MB": "memory one DuckDB connection (dbt's build, a load, a check) may hold "
    "before it spills to $IOC_HOME/spill, in MiB; default 2048 (a Hưng Yên run peaks under 4 GiB)",
    "IOC_SHARING_DEFAULT": "comma-separated published datasets every agency receives without "
    "asking (the default sharing list); default: the non-sensitive aggregates and map layers",
    "IOC_SHARING_RATE": "requests per minute one agency token may make to the sharing "
    "endpoints; default 120",
    "IOC_SHARING_URL_MINUTES": "how long a signed file URL handed out by Delta Sharing stays "
    "valid, in minutes; default 15",
}
KNOWN |= KNOWN_LIVE

@dataclass(frozen=True)
class S3Config:
    endpoint: str  # host:port, no scheme
    use_ssl: bool
    region: str
    path_style: bool
    access_key: str
    secret_key: str = field(repr=False)
    analyst_access_key: str | None = None
    analyst_secret_key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class CatalogConfig:
    """Where a DuckLake keeps its metadata: a SQLite file, or a PostgreSQL database."""

    kind: str  # sqlite | postgres
    sqlite_path: Path | None = None
    postgres_url: str | None = field(default=None, repr=False)

    def ducklake_uri(self) -> str:
        if self.kind == "sqlite":
            return f"ducklake:sqlite:{self.sqlite_path}"
        return f"ducklake:postgres:{libpq_conninfo(self.postgres_url or '')}"


@dataclass(frozen=True)
class Settings:
    home: Path
    object_store: str  # local | s3
    local_store_dir: Path
    s3: S3Config | None
    work_bucket: str
    published_bucket: str
    work_catalog: CatalogConfig
    published_catalog: CatalogConfig
    dagster_storage: str  # 'sqlite' or postgresql URL
    pseudonym_key: str = field(repr=False)
    province_code: str = "12"
    chromium: str | None = None  # None: found on PATH when a PDF is printed
    max_file_bytes: int = 4096 << 20  # a delivered file larger than this is refused
    duckdb_memory_mb: int = 2048  # DuckDB's memory_limit; beyond it, spill to home/spill
    app_db: str = field(default="", repr=False)  # SQLAlchemy URL of the operational database
    portal_host: str = "127.0.0.1"
    portal_port: int = 8088
    session_key: str = field(default="", repr=False)
    sharing_default: tuple[str, ...] | None = None  # None: core.grants.DEFAULT_SHARED
    sharing_rate: int = 120  # requests per minute per agency token
    sharing_url_minutes: int = 15
    live: LiveSettings = field(default_factory=LiveSettings)
    live_catalog: CatalogConfig | None = None  # None: no live lake (Settings built by hand)
    pg_bin: Path | None = None  # None: pg_dump / pg_restore from PATH
    backup_s3: S3Config | None = field(default=None, repr=False)  # where s3:// backups go

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"

    @property
    def reports_dir(self) -> Path:
        """Local copies of rendered reports (the originals live on the object store)."""
        return self.home / "reports"

    def duckdb_config(self) -> dict[str, str]:
        """How each DuckDB database is opened, once: its memory bound and where it spills."""
        return {"memory_limit": f"{self.duckdb_memory_mb}MB",
                "temp_directory": str(self.home / "spill")}


def libpq_conninfo(url: str, *, password: bool = True) -> str:
    """postgresql://u:p@h:5432/db?sslmode=require -> libpq's 'dbname=db host=h port=5432 user=u
    password=p sslmode=require'; a socket directory goes in the query (``?host=/run/pg``)."""
    u = urlparse(url)
    pairs = [("dbname", unquote((u.path or "/").lstrip("/")))]
    for key, value in (("host", u.hostname), ("port", u.port), ("user", u.username),
                       ("password", u.password if password else None)):
        if value:
            pairs.append((key, unquote(str(value))))
    pairs += parse_qsl(u.query)
    return " ".join(f"{key}={_conninfo_value(value)}" for key, value in pairs)


def _conninfo_value(value: str) -> str:
    """A libpq conninfo value, quoted when it holds a space, a quote or a backslash."""
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _catalog(env: dict[str, str], name: str, sqlite_path: Path) -> CatalogConfig:
    raw = (env.get(name) or "sqlite").strip()
    if raw == "sqlite":
        return CatalogConfig("sqlite", sqlite_path=sqlite_path)
    u = urlparse(raw)
    if u.scheme in {"postgres", "postgresql"} and u.path.strip("/"):
        return CatalogConfig("postgres", postgres_url=raw)
    raise SettingsError(
        f"{name} must be 'sqlite' or a PostgreSQL URL like postgresql://user:pw@host:5432/db"
    )


def _secret_key(env: dict[str, str], home: Path, name: str, file_name: str) -> str:
    key = env.get(name, "").strip()
    if key:
        if len(key) < 16:
            raise SettingsError(f"{name} must be at least 16 characters")
        return key
    # Embedded default only: a random key kept beside the catalogs, never in the repo.
    path = home / "secrets" / file_name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read IOC_* settings from ``environ`` (default: os.environ) over the ``.env`` file."""
    process_env = dict(os.environ if environ is None else environ)
    env_file = Path(process_env.get("IOC_ENV_FILE", ".env"))
    env: dict[str, str] = {}
    if env_file.is_file():
        env.update({k: v or "" for k, v in dotenv_values(env_file).items() if k.startswith(PREFIX)})
    env.update({k: v for k, v in process_env.items() if k.startswith(PREFIX)})

    unknown = sorted(k for k in env if k not in KNOWN)
    if unknown:
        raise SettingsError(
            f"unknown setting {unknown[0]}: known IOC_* variables are {', '.join(sorted(KNOWN))}"
        )

    home = Path(env.get("IOC_HOME") or ".ioc").expanduser().resolve()
    store_kind = (env.get("IOC_OBJECT_STORE") or "local").strip().lower()
    if store_kind not in {"local", "s3"}:
        raise SettingsError(f"IOC_OBJECT_STORE={store_kind!r} must be 'local' or 's3'")

    path_style = bool_value(env, "IOC_S3_PATH_STYLE", True)  # checked even when unused
    s3 = None
    if store_kind == "s3":
        s3 = replace(_s3_config(env, "IOC_S3", "when IOC_OBJECT_STORE=s3", path_style),
                     analyst_access_key=env.get("IOC_ANALYST_ACCESS_KEY") or None,
                     analyst_secret_key=env.get("IOC_ANALYST_SECRET_KEY") or None)
    backup_s3 = (_s3_config(env, "IOC_BACKUP_S3", "when IOC_BACKUP_S3_ENDPOINT is set",
                            path_style)
                 if env.get("IOC_BACKUP_S3_ENDPOINT") else s3)

    dagster_storage = (env.get("IOC_DAGSTER_STORAGE") or "sqlite").strip()
    if dagster_storage != "sqlite" and urlparse(dagster_storage).scheme not in {
        "postgres",
        "postgresql",
    }:
        raise SettingsError("IOC_DAGSTER_STORAGE must be 'sqlite' or a postgresql:// URL")

    portal_host = (env.get("IOC_PORTAL_HOST") or "127.0.0.1").strip()
    portal_port = port(env, "IOC_PORTAL_PORT", 8088)
    return Settings(
        home=home,
        object_store=store_kind,
        local_store_dir=Path(env.get("IOC_LOCAL_STORE_DIR") or home / "store").resolve(),
        s3=s3,
        work_bucket=bucket(env, "IOC_WORK_BUCKET", "ioc-work"),
        published_bucket=bucket(env, "IOC_PUBLISHED_BUCKET", "ioc-published"),
        work_catalog=_catalog(env, "IOC_WORK_CATALOG", home / "catalog" / "work.sqlite"),
        published_catalog=_catalog(
            env, "IOC_PUBLISHED_CATALOG", home / "catalog" / "published.sqlite"
        ),
        dagster_storage=dagster_storage,
        pseudonym_key=_secret_key(env, home, "IOC_PSEUDONYM_KEY", "pseudonym.key"),
        province_code=province_code(env, "IOC_PROVINCE", "12"),
        chromium=(env.get("IOC_CHROMIUM") or "").strip() or None,
        max_file_bytes=whole(env, "IOC_MAX_FILE_MB", 4096, "of MiB") << 20,
        duckdb_memory_mb=whole(env, "IOC_DUCKDB_MEMORY_MB", 2048, "of MiB"),
        app_db=_app_db(env, home),
        portal_host=portal_host,
        portal_port=portal_port,
        session_key=_secret_key(env, home, "IOC_SESSION_KEY", "session.key"),
        sharing_default=name_list(env, "IOC_SHARING_DEFAULT"),
        sharing_rate=whole(env, "IOC_SHARING_RATE", 120),
        sharing_url_minutes=whole(env, "IOC_SHARING_URL_MINUTES", 15),
        live=live_settings(env, webhook_secret=_secret_key(env, home, "IOC_ALERT_WEBHOOK_SECRET",
                                                           "webhook.key"),
                           portal=f"http://{portal_host}:{portal_port}"),
        live_catalog=_catalog(env, "IOC_LIVE_CATALOG", home / "catalog" / "live.sqlite"),
        pg_bin=Path(env["IOC_PG_BIN"]).expanduser() if env.get("IOC_PG_BIN") else None,
        backup_s3=backup_s3,
    )


def _s3_config(env: dict[str, str], prefix: str, why: str, path_style: bool) -> S3Config:
    """An S3 server's settings from ``<prefix>_ENDPOINT``, ``_ACCESS_KEY``, ``_SECRET_KEY``."""
    endpoint = require(env, f"{prefix}_ENDPOINT", why)
    u = urlparse(endpoint if "://" in endpoint else f"http://{endpoint}")
    if u.scheme not in {"http", "https"} or not u.hostname:
        raise SettingsError(f"{prefix}_ENDPOINT={endpoint!r} is not an http(s) URL")
    return S3Config(endpoint=u.netloc, use_ssl=u.scheme == "https",
                    region=env.get("IOC_S3_REGION") or "us-east-1",
                    path_style=path_style,
                    access_key=require(env, f"{prefix}_ACCESS_KEY", why),
                    secret_key=require(env, f"{prefix}_SECRET_KEY", why))


def _app_db(env: dict[str, str], home: Path) -> str:
    url = (env.get("IOC_APP_DB") or "").strip()
    if not url:
        return f"sqlite:///{home / 'app' / 'ioc.sqlite'}"
    scheme = urlparse(url).scheme
    if scheme in {"postgres", "postgresql"}:
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme in {"sqlite", "postgresql+psycopg"}:
        return url
    raise SettingsError(f"IOC_APP_DB={url!r} must be a sqlite:/// path or a postgresql:// URL")
