"""Errors the core raises for a door to show: the message is for the user, as it is."""

from __future__ import annotations


class CoreError(RuntimeError):
    """A request the core refuses or cannot do (bad input, unknown object, wrong state)."""


class Busy(CoreError):
    """Another state-changing operation holds this home's lock."""

    def __init__(self, holder: dict):
        self.holder = holder
        super().__init__(f"this home is busy: {describe_holder(holder)}")


def describe_holder(holder: dict) -> str:
    if not holder:
        return "another ioc process"
    return (f"{holder.get('purpose', 'an operation')} by {holder.get('actor', '?')} "
            f"(pid {holder.get('pid', '?')}, since {holder.get('since', '?')})")


class NotFound(CoreError):
    """The object asked for does not exist (a door answers 404)."""


class RateLimited(CoreError):
    """Too many requests from one client in a short time (a door answers 429)."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)
