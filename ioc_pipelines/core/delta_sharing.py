"""The Delta Sharing protocol (the open REST protocol of delta.io, "parquet" response format)
over the published lake: one share, one schema, a table per dataset the agency is granted;
a table's version is a release id (the current release by default, any earlier one on
request); ``query`` answers with the release's Parquet file behind a signed URL that expires
(``IOC_SHARING_URL_MINUTES``) and stops working the moment the grant is revoked.

Plain functions for the door (``web/routes/delta_sharing.py``): what to answer, never how."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

from ioc_pipelines.core import audit, datasets, grants
from ioc_pipelines.core.access import Forbidden
from ioc_pipelines.core.accounts import Account, get_by_id
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.datasets import Column, Dataset
from ioc_pipelines.core.errors import NotFound
from ioc_pipelines.core.publishing import Release
from ioc_pipelines.settings import Settings

SHARE = "ioc"
SCHEMA = "published"
_NAMESPACE = uuid.UUID("6f1c3c52-6a49-4d44-9a55-0d3c8c7f2b10")

_PRIMITIVE = {"VARCHAR": "string", "BIGINT": "long", "INTEGER": "integer",
              "SMALLINT": "short", "TINYINT": "byte", "DOUBLE": "double", "FLOAT": "float",
              "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp",
              "TIMESTAMP WITH TIME ZONE": "timestamp", "BLOB": "binary", "GEOMETRY": "binary",
              "UBIGINT": "decimal(20,0)", "UINTEGER": "long", "USMALLINT": "integer",
              "UTINYINT": "short", "HUGEINT": "decimal(38,0)", "UUID": "string",
              "TIME": "string", "INTERVAL": "string"}


class SignatureRefused(Forbidden):
    """A file URL that is forged, expired or whose grant is gone (a door answers 403)."""


def delta_type(duckdb_type: str) -> str | dict:
    """The Delta Lake schema type of a DuckDB column type."""
    kind = duckdb_type.strip()
    if kind.endswith("[]"):
        return {"type": "array", "elementType": delta_type(kind[:-2]), "containsNull": True}
    if kind.startswith("DECIMAL"):
        return kind.lower().replace(" ", "")
    if kind in _PRIMITIVE:
        return _PRIMITIVE[kind]
    raise NotFound(f"column type {duckdb_type} has no Delta Sharing type")


def schema_string(cols: list[Column]) -> str:
    return json.dumps({"type": "struct", "fields": [
        {"name": c.name, "type": delta_type(c.type), "nullable": True,
         "metadata": {"comment": c.description} if c.description else {}} for c in cols]},
        ensure_ascii=False)


def table_id(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def share_id(settings: Settings) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"share:{settings.province_code}"))


def check_share(share: str, schema: str | None = None) -> None:
    if share.lower() != SHARE:
        raise NotFound(f"share {share} does not exist (this server shares {SHARE!r})")
    if schema is not None and schema.lower() != SCHEMA:
        raise NotFound(f"schema {schema} does not exist in share {SHARE} (only {SCHEMA!r})")


def tables(settings: Settings, account: Account) -> list[dict]:
    """The tables of the share that ``account`` may read (its grants), published now."""
    from ioc_pipelines.core.publishing import current_release

    release = current_release(settings)
    published = set(release.tables) if release else set()
    return [{"name": name, "schema": SCHEMA, "share": SHARE, "shareId": share_id(settings),
             "id": table_id(name)}
            for name in grants.grants(settings, account) if name in published]


@dataclass(frozen=True)
class Table:
    dataset: Dataset
    release: Release
    columns: list[Column]


def open_table(settings: Settings, account: Account, share: str, schema: str, name: str,
               version: int | None = None) -> Table:
    """A granted table at a release (the current one without ``version``)."""
    check_share(share, schema)
    ds = datasets.dataset(name.lower())
    grants.require_grant(settings, account, ds.name)
    release = datasets.release_for(settings, version)
    return Table(ds, release, datasets.columns(settings, ds, release))


def protocol_line() -> dict:
    return {"protocol": {"minReaderVersion": 1}}


def metadata_line(table: Table) -> dict:
    return {"metaData": {
        "id": table_id(table.dataset.name), "name": table.dataset.name,
        "description": table.dataset.description, "format": {"provider": "parquet"},
        "schemaString": schema_string(table.columns), "partitionColumns": [],
        "configuration": {}, "version": table.release.id, "numFiles": 1}}


def _signing_key(settings: Settings) -> bytes:
    return hmac.new(settings.session_key.encode(), b"delta-sharing-file-urls",
                    hashlib.sha256).digest()


def signature(settings: Settings, release: int, name: str, account_id: int,
              expires: int) -> str:
    message = f"{int(release)}|{name}|{int(account_id)}|{int(expires)}".encode()
    return hmac.new(_signing_key(settings), message, hashlib.sha256).hexdigest()


def file_line(settings: Settings, account: Account, table: Table, base_url: str) -> dict:
    """The table's one Parquet file at its release, behind a signed URL that expires."""
    path = datasets.export_parquet(settings, table.dataset, table.release)
    expires = int(time.time()) + 60 * settings.sharing_url_minutes
    sig = signature(settings, table.release.id, table.dataset.name, account.account_id,
                    expires)
    url = (f"{base_url.rstrip('/')}/delta-sharing/files/{table.release.id}/"
           f"{table.dataset.name}.parquet?agency={account.account_id}&expires={expires}"
           f"&sig={sig}")
    stats = {"numRecords": datasets.row_count(table.release, table.dataset)}
    return {"file": {"url": url, "id": f"r{table.release.id}-{table.dataset.name}",
                     "partitionValues": {}, "size": path.stat().st_size,
                     "stats": json.dumps(stats), "version": table.release.id,
                     "expirationTimestamp": expires * 1000}}


def signed_file(settings: Settings, release: int, name: str, account_id: int, expires: int,
                sig: str, *, address: str = "unknown"):
    """The Parquet file a signed URL names, if the signature holds, it has not expired, and the
    agency still has the grant now. The first fetch of each URL is audited under the agency's
    account (a reader makes many range requests of one file)."""
    account = get_by_id(settings, account_id) if hmac.compare_digest(
        signature(settings, release, name, account_id, expires), sig or "") else None
    if sig in _fetched:
        return _signed_file(settings, account, release, name, account_id, expires, sig)
    actor = (account.actor("sharing", address) if account is not None
             else Actor("unknown", "sharing", "anonymous", address))
    with audit.audited(settings, actor, "share.file", f"{name}@{release}") as said:
        path = _signed_file(settings, account, release, name, account_id, expires, sig)
        said["bytes"] = path.stat().st_size
    if len(_fetched) > 100_000:  # a long-running portal: start over (audited once more)
        _fetched.clear()
    _fetched.add(sig)
    return path


_fetched: set[str] = set()


def _signed_file(settings: Settings, account: Account | None, release: int, name: str,
                 account_id: int, expires: int, sig: str):
    if account is None:  # a signature that does not hold (or an account that is gone)
        raise SignatureRefused("chữ ký của đường dẫn tệp không hợp lệ")
    if expires < time.time():
        raise SignatureRefused("đường dẫn tệp đã hết hạn; hỏi lại bảng để nhận đường dẫn mới")
    ds = datasets.dataset(name)
    grants.require_grant(settings, account, ds.name)  # revoked or account locked: refused now
    release_obj = datasets.release_for(settings, release)
    return datasets.export_parquet(settings, ds, release_obj)


def profile(base_url: str, token: str, expires_at: str | None) -> dict:
    """The profile file an agency saves to read the share with any Delta Sharing client."""
    body = {"shareCredentialsVersion": 1, "endpoint": f"{base_url.rstrip('/')}/delta-sharing",
            "bearerToken": token}
    if expires_at:
        body["expirationTime"] = expires_at
    return body


# the protocol's calls, each audited under the agency's actor

def list_tables(settings: Settings, actor: Actor, account: Account, share: str,
                schema: str | None = None) -> list[dict]:
    with audit.audited(settings, actor, "share.list", f"{share}.{schema or '*'}") as said:
        check_share(share, schema)
        found = tables(settings, account)
        said["tables"] = len(found)
    return found


def version(settings: Settings, actor: Actor, account: Account, share: str, schema: str,
            name: str) -> int:
    with audit.audited(settings, actor, "share.version", f"{share}.{schema}.{name}") as said:
        table = open_table(settings, account, share, schema, name)
        said["release"] = table.release.id
    return table.release.id


def metadata(settings: Settings, actor: Actor, account: Account, share: str, schema: str,
             name: str) -> tuple[int, list[dict]]:
    with audit.audited(settings, actor, "share.metadata", f"{share}.{schema}.{name}") as said:
        table = open_table(settings, account, share, schema, name)
        said["release"] = table.release.id
    return table.release.id, [protocol_line(), metadata_line(table)]


def query(settings: Settings, actor: Actor, account: Account, share: str, schema: str,
          name: str, *, version: int | None, base_url: str) -> tuple[int, list[dict]]:
    """The table's files at a release: protocol, metadata and one file line."""
    with audit.audited(settings, actor, "share.query", f"{share}.{schema}.{name}",
                       {"version": version}) as said:
        table = open_table(settings, account, share, schema, name, version)
        lines = [protocol_line(), metadata_line(table),
                 file_line(settings, account, table, base_url)]
        said.update(release=table.release.id,
                    rows=datasets.row_count(table.release, table.dataset))
    return table.release.id, lines
