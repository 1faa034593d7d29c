"""Local servers: ``ioc up`` / ``ioc down`` (SeaweedFS S3), ``ioc ui`` (Dagster UI), ``ioc serve``
(the portal and JSON API)."""

from __future__ import annotations

from ioc_pipelines.cli.output import OK, say
from ioc_pipelines.core import servers
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("up", help="start a local SeaweedFS S3 server on 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="base port (master; S3 is base+3)")
    p.set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop the local SeaweedFS server").set_defaults(func=cmd_down)
    p = sub.add_parser("ui", help="start the Dagster UI")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_ui)
    p = sub.add_parser("serve", help="start the web portal and JSON API (127.0.0.1 by default; "
                       "IOC_PORTAL_HOST / IOC_PORTAL_PORT)")
    p.add_argument("--host", default=None, help="bind address (default IOC_PORTAL_HOST)")
    p.add_argument("--port", type=int, default=None, help="port (default IOC_PORTAL_PORT)")
    p.set_defaults(func=cmd_serve)


def cmd_up(settings: Settings, args) -> int:
    server = servers.s3_up(settings, port=args.port)
    if server.started:
        say(f"started SeaweedFS (data in {server.env_file.parent})")
    say(f"SeaweedFS S3 on {server.endpoint} (pid {server.pid}); buckets "
        f"{', '.join(server.buckets)}")
    say(f"identities: pipeline (read/write) and analyst (read-only, {server.buckets[1]})")
    say(f"settings for the pipeline: {server.env_file} — use it with "
        f"IOC_ENV_FILE={server.env_file} (or copy it to .env); use a separate IOC_HOME from "
        "the embedded default")
    return OK


def cmd_down(settings: Settings, args) -> int:
    say("SeaweedFS stopped" if servers.s3_down(settings) else "SeaweedFS was not running")
    return OK


def cmd_ui(settings: Settings, args) -> int:
    say(f"Dagster UI with instance {settings.dagster_home} on http://127.0.0.1:{args.port}")
    return servers.dagster_ui(settings, port=args.port)


def cmd_serve(settings: Settings, args) -> int:
    from ioc_pipelines.core import accounts
    from ioc_pipelines.web.app import serve

    host, port = args.host or settings.portal_host, args.port or settings.portal_port
    if not accounts.count_admins(settings):
        say("No admin account yet: create the first one with "
            "`ioc accounts create-admin USERNAME --name 'Họ tên' --unit 'Đơn vị'`.")
    if host not in {"127.0.0.1", "::1", "localhost"}:
        say(f"warning: listening on {host}, not only this machine: put TLS in front "
            "(docs/security.md)")
    say(f"Portal on http://{host}:{port} (API docs: /api/docs); Ctrl-C stops it")
    serve(settings, host=host, port=port)
    return OK
