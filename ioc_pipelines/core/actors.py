"""Who does something: every state-changing core function takes an actor and records it."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A person (or the pipeline itself) acting through a door.

    The OS user of a command (role ``operator``: whoever has a shell on the server), the name
    given with ``--by``, or the logged-in account of the portal or an API token (its role);
    ``via`` says which door, ``address`` where from — all written to the audit log."""

    name: str
    via: str = "cli"
    role: str = "operator"
    address: str = "local"

    @classmethod
    def os_user(cls, via: str = "cli") -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers)
            name = f"uid-{os.getuid()}"
        return cls(name, via)

    @classmethod
    def named(cls, name: str, via: str = "cli") -> Actor:
        return cls(name.strip(), via)

    def tags(self) -> dict[str, str]:
        """Dagster run tags naming the actor."""
        return {"ioc/actor": self.name, "ioc/via": self.via, "ioc/role": self.role}
