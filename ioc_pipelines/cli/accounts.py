"""``ioc accounts …`` (grant, lock, unlock, revoke, roles, passwords, API tokens) and
``ioc audit …`` (verify, list, export). The operator at the shell acts as themself (role
``operator``); passwords are typed at a prompt or piped (``--password-stdin``), never given on
the command line where ``ps`` would show them."""

from __future__ import annotations

import getpass
import json
import re
import sys
from datetime import datetime

from ioc_pipelines.cli.output import FAILED, OK, attempt, fail, refuse, say
from ioc_pipelines.core import accounts, audit, tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.settings import Settings

_C1 = re.compile("[\x7f-\x9f]")


def register(sub) -> None:
    p = sub.add_parser("accounts", help="portal accounts and API tokens: grant, lock, unlock, "
                       "revoke, roles (see docs/security.md)")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, role_fixed, text in (("create-admin", "admin", "the first (or another) admin"),
                                   ("create", None, "grant an account")):
        v = verbs.add_parser(verb, help=text)
        v.add_argument("username")
        v.add_argument("--name", required=True, help="the person's full name")
        v.add_argument("--unit", required=True, help="their department, commune or team")
        if role_fixed is None:
            v.add_argument("--role", required=True, choices=accounts.ROLES)
            v.add_argument("--provider", action="append", default=[],
                           help="provider code a provider account delivers for (repeatable)")
        v.add_argument("--password-stdin", action="store_true",
                       help="read the password from standard input instead of a prompt")
        v.set_defaults(func=cmd_create, role_fixed=role_fixed)
    verbs.add_parser("list", help="every account").set_defaults(func=cmd_list)
    for verb, status in (("lock", "locked"), ("unlock", "active"), ("revoke", "revoked")):
        v = verbs.add_parser(verb, help=f"{verb} an account (its sessions end at once)"
                             if verb != "unlock" else "let a locked account in again")
        v.add_argument("username")
        v.add_argument("--reason", default="", help="why (recorded in the audit log)")
        v.set_defaults(func=cmd_status, status=status)
    v = verbs.add_parser("role", help="change an account's role and provider codes")
    v.add_argument("username")
    v.add_argument("--role", required=True, choices=accounts.ROLES)
    v.add_argument("--provider", action="append", default=[])
    v.set_defaults(func=cmd_role)
    v = verbs.add_parser("password", help="set an account's password")
    v.add_argument("username")
    v.add_argument("--password-stdin", action="store_true")
    v.set_defaults(func=cmd_password)
    v = verbs.add_parser("email", help="set (or with '' clear) where an account's alerts are "
                         "e-mailed")
    v.add_argument("username")
    v.add_argument("address")
    v.set_defaults(func=cmd_email)
    v = verbs.add_parser("token-create", help="an API token for a machine client (shown once)")
    v.add_argument("username")
    v.add_argument("--name", required=True, help="what uses it, e.g. 'SYT data system'")
    v.add_argument("--days", type=int, default=90, help="valid for this many days (default 90)")
    v.add_argument("--provider", action="append", default=[],
                   help="narrow to these of the account's provider codes")
    v.set_defaults(func=cmd_token_create)
    v = verbs.add_parser("token-revoke", help="revoke an API token by its prefix")
    v.add_argument("prefix")
    v.set_defaults(func=cmd_token_revoke)
    v = verbs.add_parser("tokens", help="API tokens (prefix, owner, scope, expiry)")
    v.add_argument("username", nargs="?")
    v.set_defaults(func=cmd_tokens)

    p = sub.add_parser("audit", help="the hash-chained audit log: verify, list, export")
    verbs = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    verbs.add_parser("verify", help="check every link of the chain (exit 1 when broken)"
                     ).set_defaults(func=cmd_audit_verify)
    for verb, text in (("list", "recent entries, newest first"),
                       ("export", "entries as JSON Lines on stdout, oldest first")):
        v = verbs.add_parser(verb, help=text)
        v.add_argument("--since", type=datetime.fromisoformat, default=None,
                       help="from this time (YYYY-MM-DD or an ISO time)")
        v.add_argument("--actor")
        v.add_argument("--action", help="an action or its prefix (login, account …)")
        if verb == "list":
            v.add_argument("--limit", type=int, default=50)
        v.set_defaults(func=cmd_audit_list if verb == "list" else cmd_audit_export)


def _password(args, username: str) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"Mật khẩu cho {username}: ")
    if getpass.getpass("Nhập lại: ") != first:
        return None
    return first


def cmd_create(settings: Settings, args) -> int:
    password = _password(args, args.username)
    if password is None:
        return fail("the two passwords differ; nothing was created")
    role = args.role_fixed or args.role
    made, error = attempt(lambda: accounts.create(
        settings, Actor.os_user(), username=args.username, full_name=args.name, unit=args.unit,
        role=role, password=password, providers=getattr(args, "provider", [])))
    if error is not None:
        return refuse(error)
    say(f"Account {made.username} ({made.role}"
        + (f": {', '.join(made.providers)}" if made.providers else "")
        + f") granted to {made.full_name}, {made.unit}.")
    return OK


def cmd_list(settings: Settings, args) -> int:
    for a in accounts.listing(settings):
        say(f"{a.username:<20} {a.role:<9} {a.status:<8} {a.full_name} — {a.unit}"
            + (f"  [{', '.join(a.providers)}]" if a.providers else ""))
    return OK


def cmd_status(settings: Settings, args) -> int:
    done, error = attempt(lambda: accounts.set_status(settings, Actor.os_user(), args.username,
                                                      args.status, args.reason))
    if error is not None:
        return refuse(error)
    say(f"Account {done.username} is now {done.status}.")
    return OK


def cmd_role(settings: Settings, args) -> int:
    done, error = attempt(lambda: accounts.set_role(settings, Actor.os_user(), args.username,
                                                    args.role, args.provider))
    if error is not None:
        return refuse(error)
    say(f"Account {done.username} is now {done.role}"
        + (f" for {', '.join(done.providers)}." if done.providers else "."))
    return OK


def cmd_email(settings: Settings, args) -> int:
    _done, error = attempt(lambda: accounts.set_email(settings, Actor.os_user(),
                                                      args.username, args.address))
    if error is not None:
        return refuse(error)
    say(f"Alerts for {args.username}: " + (f"e-mailed to {args.address.strip()}"
                                            if args.address.strip() else "inbox only"))
    return OK


def cmd_password(settings: Settings, args) -> int:
    password = _password(args, args.username)
    if password is None:
        return fail("the two passwords differ; nothing was changed")
    _done, error = attempt(lambda: accounts.set_password(settings, Actor.os_user(),
                                                         args.username, password))
    if error is not None:
        return refuse(error)
    say(f"Password of {args.username} changed.")
    return OK


def cmd_token_create(settings: Settings, args) -> int:
    made, error = attempt(lambda: tokens.create(settings, Actor.os_user(), args.username,
                                                args.name, days=args.days,
                                                providers=args.provider or None))
    if error is not None:
        return refuse(error)
    text, token = made
    say(text)
    say(f"Token {token.prefix} of {token.username} ({token.role}"
        + (f": {', '.join(token.providers)}" if token.providers else "")
        + f"), valid until {token.expires_at:%Y-%m-%d}. It is shown only now: store it.",
        stream=sys.stderr)
    return OK


def cmd_token_revoke(settings: Settings, args) -> int:
    done, error = attempt(lambda: tokens.revoke(settings, Actor.os_user(), args.prefix))
    if error is not None:
        return refuse(error)
    say(f"Token {done.prefix} of {done.username} revoked.")
    return OK


def cmd_tokens(settings: Settings, args) -> int:
    for t in tokens.listing(settings, args.username):
        state = (f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else
                 f"expires {t.expires_at:%Y-%m-%d}")
        say(f"{t.prefix}  {t.username:<20} {t.role:<9} {state:<19} {t.name}"
            + (f"  [{', '.join(t.providers)}]" if t.providers else ""))
    return OK


def cmd_audit_verify(settings: Settings, args) -> int:
    result = audit.verify(settings)
    if result.ok:
        say(f"Audit log intact: {result.entries} entries; head hash {result.head_hash}")
        return OK
    say(f"Audit log BROKEN at entry {result.broken_at}: {result.problem} "
        f"({result.entries} entries verified before it)")
    return FAILED


def cmd_audit_list(settings: Settings, args) -> int:
    for e in audit.entries(settings, since=args.since, actor=args.actor, action=args.action,
                           limit=args.limit, newest_first=True):
        say(f"{e['entry_id']:>7} {e['at'][:19]} {e['actor']:<16} {e['role']:<9} {e['via']:<4} "
            f"{e['action']:<18} {e['outcome']:<8} {e['object']}  {e['address']}")
    return OK


def cmd_audit_export(settings: Settings, args) -> int:
    for e in audit.entries(settings, since=args.since, actor=args.actor, action=args.action):
        line = json.dumps(e, ensure_ascii=False)  # escapes C0 controls; C1 too, below
        sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
    return OK
