"""The next deadlines a contract sets: a monthly report is due on day ``due_days`` of the next
month (last month's may still be due), a daily one ``due_days`` after the day."""

from __future__ import annotations

from datetime import date

import pytest

from quality_checks.deliveries import Expectation, upcoming_due


@pytest.mark.parametrize("every, due_days, today, expected", [
    ("month", 5, date(2026, 12, 4), [("2026-11", date(2026, 12, 5)),
                                     ("2026-12", date(2027, 1, 5)),
                                     ("2027-01", date(2027, 2, 5))]),
    ("month", 5, date(2026, 12, 6), [("2026-12", date(2027, 1, 5)),
                                     ("2027-01", date(2027, 2, 5)),
                                     ("2027-02", date(2027, 3, 5))]),
    ("month", 10, date(2027, 1, 3), [("2026-12", date(2027, 1, 10)),
                                     ("2027-01", date(2027, 2, 10)),
                                     ("2027-02", date(2027, 3, 10))]),
    ("day", 1, date(2026, 12, 4), [("2026-12-04", date(2026, 12, 5)),
                                   ("2026-12-05", date(2026, 12, 6)),
                                   ("2026-12-06", date(2026, 12, 7))]),
])
def test_upcoming_due(every, due_days, today, expected):
    exp = Expectation("s", "t", every, due_days, "period", ("P",))
    assert upcoming_due(exp, today) == expected
