"""Reporting periods, in Vietnam's local time (UTC+7, no daylight saving).

Keys: "2026-11" (month), "2026-Q4" (quarter), "2026" (year), "all"."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")
ALL = "all"
_PATTERN = re.compile(r"^(?:all|(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?)$")


class InvalidPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime | None  # inclusive, UTC; None for all time
    end: datetime | None  # exclusive, UTC

    @property
    def kind(self) -> str:
        if self.key == ALL:
            return "all"
        return "month" if is_month(self.key) else ("quarter" if "Q" in self.key else "year")


def period_keys(moment: datetime) -> tuple[str, str, str, str]:
    """The four periods a moment belongs to: its month, quarter, year, and all time."""
    local = moment.astimezone(VIETNAM)
    # As wider_periods() would give, but from the numbers at hand: this runs for every record counted.
    return (f"{local.year}-{local.month:02d}", f"{local.year}-Q{(local.month - 1) // 3 + 1}", str(local.year), ALL)


def wider_periods(month: str) -> tuple[str, str, str]:
    """The periods that hold a month ("2026-11"): its quarter, its year and all time."""
    year, number = month.split("-")
    return (f"{year}-Q{(int(number) - 1) // 3 + 1}", year, ALL)


def is_month(key: str) -> bool:
    return len(key) == 7 and "Q" not in key


def parse_period(key: str) -> Period:
    match = _PATTERN.match(key or "")
    if not match:
        raise InvalidPeriod(key)
    if key == ALL:
        return Period(ALL, None, None)
    year, month, quarter = int(match[1]), match[2], match[3]
    if not 2000 <= year <= 2100:
        raise InvalidPeriod(key)
    if month:
        first, months = int(month), 1
    elif quarter:
        first, months = (int(quarter) - 1) * 3 + 1, 3
    else:
        first, months = 1, 12
    start = datetime(year, first, 1, tzinfo=VIETNAM)
    end_month = first + months
    end = datetime(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1, tzinfo=VIETNAM)
    return Period(key, start.astimezone(UTC), end.astimezone(UTC))


def months_back(count: int, until: datetime) -> list[str]:
    """Month keys of the `count` months ending with the month of `until`, oldest first."""
    local = until.astimezone(VIETNAM)
    year, month = local.year, local.month
    keys = []
    for _ in range(count):
        keys.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]
