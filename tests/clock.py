"""A frozen clock for tests whose answer depends on the date: periods are Vietnam's (UTC+7), so
a test that runs "now" would pass or fail with the hour (in the first seven hours of a month in
Vietnam, UTC is still in the month before)."""

from datetime import datetime, timedelta, timezone

import time_machine

VIETNAM = timezone(timedelta(hours=7))
# Well inside a month, a quarter and a year, whatever the test does with "a few hours ago".
MID_MONTH = datetime(2026, 11, 18, 10, 0, tzinfo=VIETNAM)


def vietnam_time(*args) -> datetime:
    """A wall-clock time in Vietnam: vietnam_time(2026, 12, 1, 0, 30)."""
    return datetime(*args, tzinfo=VIETNAM)


def frozen_at(moment: datetime):
    """The clock starts at `moment` and runs on (waits and settling windows still pass)."""
    return time_machine.travel(moment, tick=True)
