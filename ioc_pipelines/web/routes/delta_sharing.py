"""Delta Sharing (the open protocol of delta.io) at ``/delta-sharing``: any Delta Sharing
client (pandas, Spark, Power BI, …) reads the tables an agency is granted with the profile file
the portal gives it (endpoint + the agency's API token). Table versions are release ids.
Signed file URLs need no token: the signature, its expiry and the live grant are checked on
every fetch (``core.delta_sharing``)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from ioc_pipelines.core import delta_sharing
from ioc_pipelines.web.security import address, counted, guarded

router = APIRouter(prefix="/delta-sharing", tags=["delta-sharing"])
NDJSON = "application/x-ndjson; charset=utf-8"



def _base(request: Request) -> str:
    return str(request.base_url)


def _ndjson(version: int, lines: list[dict]) -> Response:
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, media_type=NDJSON,
                    headers={"Delta-Table-Version": str(version),
                             "delta-sharing-capabilities": "responseformat=parquet"})


@guarded(router, "GET", "/shares", "share.read")
def list_shares(request: Request) -> dict:
    """The one share of this IOC."""
    counted(request)
    settings = request.app.state.settings
    return {"items": [{"name": delta_sharing.SHARE, "id": delta_sharing.share_id(settings)}]}


@guarded(router, "GET", "/shares/{share}", "share.read")
def get_share(request: Request, share: str) -> dict:
    counted(request)
    delta_sharing.check_share(share)
    settings = request.app.state.settings
    return {"share": {"name": delta_sharing.SHARE, "id": delta_sharing.share_id(settings)}}


@guarded(router, "GET", "/shares/{share}/schemas", "share.read")
def list_schemas(request: Request, share: str) -> dict:
    counted(request)
    delta_sharing.check_share(share)
    return {"items": [{"name": delta_sharing.SCHEMA, "share": delta_sharing.SHARE}]}


@guarded(router, "GET", "/shares/{share}/schemas/{schema}/tables", "share.read")
def list_tables(request: Request, share: str, schema: str) -> dict:
    """The tables of the schema this agency is granted (published now)."""
    who = counted(request)
    return {"items": delta_sharing.list_tables(request.app.state.settings, who.actor,
                                               who.account, share, schema)}


@guarded(router, "GET", "/shares/{share}/all-tables", "share.read")
def list_all_tables(request: Request, share: str) -> dict:
    who = counted(request)
    return {"items": delta_sharing.list_tables(request.app.state.settings, who.actor,
                                               who.account, share)}


@guarded(router, "GET", "/shares/{share}/schemas/{schema}/tables/{table}/version", "share.read")
def table_version(request: Request, share: str, schema: str, table: str) -> Response:
    """The table's current version (the current release id) in the Delta-Table-Version header."""
    who = counted(request)
    version = delta_sharing.version(request.app.state.settings, who.actor, who.account, share,
                                    schema, table)
    return Response(status_code=200, headers={"Delta-Table-Version": str(version)})


@guarded(router, "GET", "/shares/{share}/schemas/{schema}/tables/{table}/metadata",
         "share.read")
def table_metadata(request: Request, share: str, schema: str, table: str) -> Response:
    """Protocol and metadata (the schema, with each column's description) as NDJSON."""
    who = counted(request)
    version, lines = delta_sharing.metadata(request.app.state.settings, who.actor, who.account,
                                            share, schema, table)
    return _ndjson(version, lines)


@guarded(router, "POST", "/shares/{share}/schemas/{schema}/tables/{table}/query", "share.read")
async def query_table(request: Request, share: str, schema: str, table: str) -> Response:
    """The table's Parquet file at a release (``version`` in the body; the current release
    without it), behind a signed URL that expires."""
    who = counted(request)
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"errorCode": "INVALID_PARAMETER_VALUE",
                             "message": "the request body is not JSON"}, status_code=400)
    version = body.get("version") if isinstance(body, dict) else None
    if version is not None and (not isinstance(version, int) or version < 0):
        return JSONResponse({"errorCode": "INVALID_PARAMETER_VALUE",
                             "message": "version must be a release id"}, status_code=400)
    if isinstance(body, dict) and (body.get("timestamp") or body.get("startingVersion")
                                   is not None):
        return JSONResponse({"errorCode": "UNSUPPORTED_OPERATION",
                             "message": "ask for a release id with 'version'; timestamps and "
                             "change feeds are not served"}, status_code=400)
    settings = request.app.state.settings
    found_version, lines = delta_sharing.query(settings, who.actor, who.account, share, schema,
                                               table, version=version, base_url=_base(request))
    return _ndjson(found_version, lines)


# no token on a signed URL: the signature is the authorization (registered as public)
@router.api_route("/files/{release}/{name}.parquet", methods=["GET", "HEAD"],
                  include_in_schema=False)
def signed_file(request: Request, release: int, name: str, agency: int = 0, expires: int = 0,
                sig: str = "") -> FileResponse:
    path = delta_sharing.signed_file(request.app.state.settings, release, name, agency,
                                     expires, sig, address=address(request))
    return FileResponse(path, media_type="application/vnd.apache.parquet",
                        filename=f"{name}-r{release}.parquet")
