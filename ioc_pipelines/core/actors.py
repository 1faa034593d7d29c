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
        """Dagster run tags naming the actor (``from_run_tags`` reads them back)."""
        return {"ioc/actor": self.name, "ioc/via": self.via, "ioc/role": self.role,
                "ioc/address": self.address}

    @classmethod
    def from_run_tags(cls, tags: dict) -> Actor:
        """Who a Dagster run acts for: the door's actor tags, else what started it in Dagster
        (a schedule, a sensor, or a person in the Dagster UI)."""
        if tags.get("ioc/actor"):
            return cls(tags["ioc/actor"], tags.get("ioc/via", "dagster"),
                       tags.get("ioc/role", "operator"), tags.get("ioc/address", "local"))
        starter = tags.get("dagster/schedule_name") or tags.get("dagster/sensor_name")
        return cls(starter or tags.get("user") or "Dagster UI", "dagster")

    @staticmethod
    def started_by_door(tags: dict) -> bool:
        """A run a door (``ioc run``, the portal) started: the door audits it."""
        return bool(tags.get("ioc/actor"))
