"""Rate limits per client (an agency's token): at most N requests in any 60 s, counted in this
process (one portal process per home; behind several, put the limit in the proxy too)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from ioc_pipelines.core.errors import RateLimited

WINDOW = 60.0
_seen: dict[str, deque[float]] = defaultdict(deque)
_lock = threading.Lock()


def check(key: str, per_minute: int, *, now: float | None = None) -> None:
    """Count one request of ``key``; ``RateLimited`` (with the seconds to wait) past the limit."""
    now = time.monotonic() if now is None else now
    with _lock:
        times = _seen[key]
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if len(times) >= per_minute:
            wait = int(times[0] + WINDOW - now) + 1
            raise RateLimited(f"quá {per_minute} yêu cầu mỗi phút; thử lại sau {wait} giây",
                              retry_after=wait)
        times.append(now)


def reset() -> None:
    with _lock:
        _seen.clear()
