"""The province's clock. Vietnam keeps one time (Asia/Ho_Chi_Minh, UTC+7, no summer time):
"today" for a contract's due date, a report's period, a grant's end or the demo's deliveries
is the day there, whatever zone the server runs in — between 17:00 and 24:00 UTC the
server's date is already yesterday's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    return datetime.now(TZ).date()


def now() -> datetime:
    """Now as naive Asia/Ho_Chi_Minh time, as the lakes' own timestamps are written."""
    return datetime.now(TZ).replace(tzinfo=None)
