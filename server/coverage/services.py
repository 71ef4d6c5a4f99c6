"""Reading coverage: numerators from the counters, denominators from the rows kept on write, targets from
the unit or its nearest ancestor. Nothing here reads assistance records."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast, literal, or_, select

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..errors import InvalidInput
from ..extensions import db
from ..requests import dispatch
from ..teams.models import Team, TeamMember
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import codes_of, subtree_condition
from ..units.services import get_unit
from . import requests_figures
from .denominators import denominators_of
from .indicators import ALL_MEMBERS, ALL_VILLAGES, BLOCKER_PREFIX, BY_CODE, INDICATORS, POPULATION, REQUEST_INDICATORS
from .models import CoverageCounter, CoverageDenominator, CoverageTarget, LastActivity
from .periods import InvalidPeriod, Period, months_back, parse_period

REQUEST_CODES = [indicator.code for indicator in REQUEST_INDICATORS]
GAP_DAYS = 30
BLOCKER_MONTHS = 3  # the gaps list's blockers: this month and the two before


@dataclass
class Figure:
    indicator: str
    numerator: int
    denominator: int | None
    rate: float | None
    target: dict | None = None


@dataclass
class UnitCoverage:
    unit: Unit
    period: Period
    items: list[Figure]
    blockers: list[dict] = field(default_factory=list)
    population: int | None = None
    households: int | None = None


def readable_unit(scope: Scope, code: str) -> Unit:
    """Monitors read their subtree, leaders their commune, members their team's village; others see nothing."""
    unit = get_unit(code)
    scope.require_readable(unit)
    return unit


def period_or_error(key: str) -> Period:
    try:
        return parse_period(key)
    except InvalidPeriod:
        message = _("Use a month (2026-11), a quarter (2026-Q4), a year (2026) or all.")
        raise InvalidInput(message, {"period": [message]})


def indicator_or_error(code: str):
    if code not in BY_CODE:
        message = _("Unknown indicator. Known: %(codes)s.", codes=", ".join(BY_CODE))
        raise InvalidInput(message, {"indicator": [message]})
    return BY_CODE[code]


def unit_coverage(scope: Scope, code: str, period_key: str) -> UnitCoverage:
    return coverage_of(readable_unit(scope, code), period_or_error(period_key))


def children_coverage(scope: Scope, code: str, indicator_code: str, period_key: str) -> tuple[Unit, list[dict]]:
    unit = readable_unit(scope, code)
    return unit, children_of(unit, indicator_or_error(indicator_code), period_or_error(period_key))


def monthly_series(scope: Scope, code: str, indicator_code: str, months: int = 12) -> list[dict]:
    return series_of(readable_unit(scope, code), indicator_or_error(indicator_code), months)


def gaps(scope: Scope, code: str) -> dict:
    return gaps_of(readable_unit(scope, code))


def coverage_of(unit: Unit, period: Period) -> UnitCoverage:
    counters = _counters([unit.code], [period.key])
    area = denominators_of([unit.code])[unit.code]
    targets = targets_for(unit)
    items = [
        _figure(
            indicator,
            counters.get((unit.code, period.key, indicator.code), 0),
            _denominator(area, indicator.denominator),
            targets.get(indicator.code),
        )
        for indicator in INDICATORS
    ]
    items += _request_figures(requests_figures.summary_for(unit.path, period), targets)
    return UnitCoverage(unit, period, items, _blockers(counters), area.population, area.households)


def children_of(unit: Unit, indicator, period: Period) -> list[dict]:
    children = list(
        db.session.scalars(
            select(Unit).where(Unit.parent_id == unit.id, Unit.abolished_at.is_(None)).order_by(Unit.search_name)
        )
    )
    if indicator.code in REQUEST_CODES:
        summaries = requests_figures.by_child(requests_figures.resolved_requests(unit.path, period), unit.depth + 1)
        empty = requests_figures.summarise([])
        return [
            {
                "unit": child,
                **_request_figures(summaries.get(child.code, empty), {})[REQUEST_CODES.index(indicator.code)].__dict__,
            }
            for child in children
        ]
    counters = _counters([c.code for c in children], [period.key], indicator.code)
    areas = denominators_of(c.code for c in children)
    rows = []
    for child in children:
        figure = _figure(
            indicator,
            counters.get((child.code, period.key, indicator.code), 0),
            _denominator(areas[child.code], indicator.denominator),
        )
        rows.append({"unit": child, **figure.__dict__})
    return rows


def series_of(unit: Unit, indicator, months: int = 12, until: datetime | None = None) -> list[dict]:
    """The `months` months ending with the month of `until` (now by default)."""
    keys = months_back(months, until or utcnow())
    counters = _counters([unit.code], keys, indicator.code)
    return [{"period": key, "numerator": counters.get((unit.code, key, indicator.code), 0)} for key in keys]


def gaps_of(unit: Unit) -> dict:
    """Villages with no assistance and teams with no member active in 30 days, overdue requests,
    requests no team serves and the communes and villages without a team, and what blocked people
    in the last three months: the database picks them, so a province's 2,000 villages and 6,000
    members never travel to Python (the units without a team are two indexed reads, see dispatch.py)."""
    since = utcnow() - timedelta(days=GAP_DAYS)
    last = LastActivity.occurred_at
    quiet = db.session.execute(
        select(Unit.code, Unit.name, Unit.level, last)
        .outerjoin(LastActivity, LastActivity.subject == literal("unit:").concat(Unit.code))
        .where(
            subtree_condition(Unit.path, unit.path),
            Unit.level == "village",
            Unit.abolished_at.is_(None),
            or_(last.is_(None), last < since),
        )
        .order_by(Unit.path)
    )
    someone_active = (
        select(TeamMember.id)
        .join(User, User.phone == TeamMember.phone)
        .join(LastActivity, LastActivity.subject == literal("member:").concat(cast(User.id, String)))
        .where(TeamMember.team_id == Team.id, LastActivity.occurred_at >= since)
        .exists()
    )
    idle = db.session.execute(
        select(Team.id, Team.name, Unit.code, Unit.name, Unit.level)
        .join(Unit, Team.unit_id == Unit.id)
        .where(subtree_condition(Unit.path, unit.path), ~someone_active)
        .order_by(Team.name, Team.id)
    )
    months = months_back(BLOCKER_MONTHS, utcnow())
    return {
        "unit": unit,
        "since": since,
        "quiet_villages": [
            {"unit": _unit_ref(code, name, level), "last_activity": at} for code, name, level, at in quiet
        ],
        "idle_teams": [
            {"id": id_, "name": name, "unit": _unit_ref(code, unit_name, level)}
            for id_, name, code, unit_name, level in idle
        ],
        "overdue_requests": requests_figures.overdue_requests(unit.path),
        "unrouted_requests": dispatch.unrouted_requests(unit),
        "units_without_team": dispatch.units_without_team(unit),
        "blockers_since": months[0],
        "blockers": _blockers(_counters([unit.code], months)),
    }


def _unit_ref(code: str, name: str, level: str) -> dict:
    return {"code": code, "name": name, "level": level}


def _blockers(counters: dict) -> list[dict]:
    """Records not succeeded, by blocker, most common first (summed over the periods read)."""
    counts = Counter()
    for (_unit, _period, key), value in counters.items():
        if key.startswith(BLOCKER_PREFIX) and value:
            counts[key[len(BLOCKER_PREFIX) :]] += value
    return [
        {"blocker": blocker, "count": count}
        for blocker, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _request_figures(summary: dict, targets: dict) -> list[Figure]:
    on_time, resolved = summary["on_time"], summary["resolved"]
    median = summary["median_hours"]
    return [
        Figure(
            "requests_on_time",
            on_time,
            resolved,
            round(on_time / resolved, 4) if resolved else None,
            targets.get("requests_on_time"),
        ),
        # A median has no numerator and denominator; `rate` carries the hours (null with no request resolved).
        Figure("median_resolution_hours", resolved, None, median),
    ]


def _counters(unit_codes, period_keys, indicator: str | None = None) -> dict:
    if not unit_codes:
        return {}
    stmt = select(CoverageCounter).where(
        CoverageCounter.unit_code.in_(unit_codes), CoverageCounter.period.in_(period_keys)
    )
    if indicator:
        stmt = stmt.where(CoverageCounter.indicator == indicator)
    return {(c.unit_code, c.period, c.indicator): c.value for c in db.session.scalars(stmt)}


def _denominator(area: CoverageDenominator, kind: str | None) -> int | None:
    return {POPULATION: area.population, ALL_VILLAGES: area.villages, ALL_MEMBERS: area.members}.get(kind)


def _figure(indicator, numerator: int, denominator: int | None, target: dict | None = None) -> Figure:
    if indicator.denominator is None:
        denominator = None
    # Never above 100 %: a numerator may outgrow its denominator when the data behind it changed
    # since it was counted (a member who left, a population revised down); the figures show both.
    rate = min(1.0, round(numerator / denominator, 4)) if denominator else None
    return Figure(indicator.code, numerator, denominator, rate, target)


def targets_for(unit: Unit) -> dict[str, dict]:
    """Per indicator, the target set on the unit or on its nearest ancestor."""
    codes = codes_of(unit.path)
    rows = db.session.execute(
        select(CoverageTarget, Unit.depth)
        .join(Unit, CoverageTarget.unit_id == Unit.id)
        .where(Unit.code.in_(codes))
        .order_by(Unit.depth)
    ).all()
    found = {}
    for target, _depth in rows:  # shallow to deep: the nearest ancestor wins
        found[target.indicator] = {
            "rate": target.rate,
            "deadline": target.deadline,
            "unit": target.unit.code,
            "note": target.note,
        }
    return found


def set_target(
    scope: Scope, unit_code: str, indicator_code: str, rate: float, deadline: date, note: str | None
) -> CoverageTarget:
    """Admins and monitors set targets for units in their area."""
    unit = get_unit(unit_code)
    scope.require(Ability.SET_TARGETS, unit)
    indicator = indicator_or_error(indicator_code)
    if indicator.denominator is None:
        raise InvalidInput(
            _("This indicator has no rate to aim for."), {"indicator": [_("Choose an indicator with a rate.")]}
        )
    target = db.session.scalar(
        select(CoverageTarget).where(CoverageTarget.unit_id == unit.id, CoverageTarget.indicator == indicator.code)
    )
    if target is None:
        target = CoverageTarget(unit_id=unit.id, indicator=indicator.code)
        db.session.add(target)
    target.rate, target.deadline, target.note, target.set_by_id = rate, deadline, note, scope.user.id
    target.unit = unit
    db.session.flush()
    return target


def list_targets(scope: Scope, unit_code: str) -> list[CoverageTarget]:
    unit = readable_unit(scope, unit_code)
    return list(
        db.session.scalars(
            select(CoverageTarget)
            .join(Unit, CoverageTarget.unit_id == Unit.id)
            .where(Unit.code.in_(codes_of(unit.path)))
            .order_by(Unit.depth, CoverageTarget.indicator)
        )
    )
