"""Who may do what: one table of permissions × roles, read by every door (the portal's routes,
the JSON API) and rendered into docs/security.md. A provider's permissions reach only its own
provider codes; the shell's ``operator`` (whoever runs ``ioc`` on the server) may do
everything, as they could with the files anyway."""

from __future__ import annotations

from ioc_pipelines.core.accounts import ROLES
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError

# permission: (what it allows, the roles that have it); "own" = only the account's providers
PERMISSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "portal.use": ("see the portal's home page and change one's own password", ROLES),
    "delivery.upload": ("deliver files for a provider code (own codes only)", ("provider",)),
    "delivery.read": ("see deliveries, what is due and the rejection reports (a provider: "
                      "its own codes only)", ("provider", "reviewer", "admin")),
    "candidate.read": ("see candidates waiting for sign-off, their quality report and diff",
                       ("reviewer", "admin")),
    "candidate.decide": ("approve or reject a candidate release", ("reviewer",)),
    "release.read": ("see the release history", ("reviewer", "admin", "analyst", "leader")),
    "live.read": ("see the live sensors, open exceedance episodes and sensor alerts",
                  ("provider", "reviewer", "admin", "analyst", "leader")),
    "release.rollback": ("publish an earlier release again (rollback)", ("admin",)),
    "account.manage": ("grant, lock, unlock, revoke accounts and tokens; change roles",
                       ("admin",)),
    "audit.read": ("browse and export the audit log", ("admin",)),
    "share.read": ("read the datasets shared with one's agency (the default list and its live "
                   "grants) through Delta Sharing, OGC API – Features and downloads",
                   ("agency",)),
    "share.request": ("ask for a dataset (purpose, legal basis, period) and see one's requests",
                      ("agency",)),
    "share.decide": ("approve (with an end date), refuse (with a reason) or revoke agencies' "
                     "requests", ("admin",)),
}
SCOPED = {"delivery.upload", "delivery.read"}  # a provider reaches only its own codes


class Forbidden(CoreError):
    """The actor's role does not allow this (a door answers 403)."""


def allowed(role: str, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission}")
    return role == "operator" or role in PERMISSIONS[permission][1]


def require(actor: Actor, permission: str, *, provider: str | None = None,
            providers: tuple[str, ...] = ()) -> None:
    """Refuse (``Forbidden``) unless ``actor`` may; for a provider-scoped permission asked
    about ``provider``, the actor's ``providers`` must include it."""
    if not allowed(actor.role, permission):
        raise Forbidden(f"vai trò {actor.role} không được phép: {PERMISSIONS[permission][0]}")
    if (permission in SCOPED and actor.role == "provider" and provider is not None
            and provider not in providers):
        raise Forbidden(f"tài khoản này không giao dữ liệu cho đơn vị {provider}")


def visible_providers(role: str, providers: tuple[str, ...]) -> tuple[str, ...] | None:
    """The provider codes whose deliveries ``role`` sees: its own for a provider, all (None)
    for the others allowed to read deliveries."""
    return providers if role == "provider" else None


def markdown_table() -> str:
    """The roles × permissions table of docs/security.md."""
    head = "| permission | what it allows | " + " | ".join(ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    rows = [f"| `{name}` | {text} | "
            + " | ".join(("own" if name in SCOPED and role == "provider" else "yes")
                         if role in roles else "—" for role in ROLES) + " |"
            for name, (text, roles) in PERMISSIONS.items()]
    return "\n".join([head, rule, *rows])
