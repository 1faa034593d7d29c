"""Who does something: every state-changing core function takes an actor and records it."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """A person (or the pipeline itself) acting through a door.

    For now the OS user of a command, or the name given with ``--by``; later the logged-in
    account of the portal (``via`` says which door)."""

    name: str
    via: str = "cli"

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
        return {"ioc/actor": self.name, "ioc/via": self.via}
