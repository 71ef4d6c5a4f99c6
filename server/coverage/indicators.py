"""The coverage indicators, declared in one place: adding one is adding an entry here.

Each indicator counts, per unit subtree and period, either distinct subjects (a resident, a
village, a member: each counts once however often they were helped) or a sum over records; the
denominator says what the count is compared with."""

from collections.abc import Callable
from dataclasses import dataclass

SUCCEEDED = "succeeded"

# What an indicator counts.
RESIDENTS = "residents"  # distinct residents (group sessions do not name people)
PEOPLE = "people"  # distinct residents plus the people of group sessions
RECORDS = "records"  # number of records
VILLAGES = "villages"  # distinct villages with records
MEMBERS = "members"  # distinct members who recorded something

# What it is compared with.
POPULATION, ALL_VILLAGES, ALL_MEMBERS = "population", "villages", "members"


@dataclass(frozen=True)
class Indicator:
    code: str
    counts: str
    matches: Callable[[dict], bool]
    denominator: str | None

    @property
    def additive(self) -> bool:
        """Children's figures add up to the parent's: true for all of ours, since a resident,
        village or record belongs to exactly one village."""
        return True


def _succeeded(**wanted) -> Callable[[dict], bool]:
    def matches(record: dict) -> bool:
        return record["outcome"] == SUCCEEDED and all(record[key] == value for key, value in wanted.items())

    return matches


def _health_record(record: dict) -> bool:
    return record["outcome"] == SUCCEEDED and (
        record["action"] == "use_health_record" or record["service"] == "health_book"
    )


def _lesson(record: dict) -> bool:
    return record["action"] == "digital_skills_lesson" and record["outcome"] != "failed"


def _any(record: dict) -> bool:
    return True


INDICATORS = (
    Indicator("people_helped", RESIDENTS, _succeeded(), POPULATION),
    Indicator("identity_verified", RESIDENTS, _succeeded(service="vneid", action="verify_identity"), POPULATION),
    Indicator("payments_enabled", RESIDENTS, _succeeded(action="setup_payment"), POPULATION),
    Indicator("health_record_used", RESIDENTS, _health_record, POPULATION),
    Indicator("public_services_submitted", RECORDS, _succeeded(action="submit_public_service"), None),
    Indicator("digital_skills_lessons", PEOPLE, _lesson, POPULATION),
    Indicator("villages_reached", VILLAGES, _any, ALL_VILLAGES),
    Indicator("active_members", MEMBERS, _any, ALL_MEMBERS),
)


@dataclass(frozen=True)
class RequestIndicator:
    """Computed from resolved help requests (far fewer than records) when coverage is read."""

    code: str
    denominator: str | None
    additive: bool


RESOLVED = "resolved"
REQUEST_INDICATORS = (
    RequestIndicator("requests_on_time", RESOLVED, True),  # resolved within the SLA / resolved
    RequestIndicator("median_resolution_hours", None, False),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS + REQUEST_INDICATORS}

# Not-succeeded records by blocker: kept as counters named "blocker:<code>".
BLOCKER_PREFIX = "blocker:"


def blocker_counter(record: dict) -> str | None:
    if record["outcome"] == SUCCEEDED:
        return None
    return BLOCKER_PREFIX + (record["blocker"] or "unknown")
