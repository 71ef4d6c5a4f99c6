"""Reading coverage: numerators from the counters, denominators from the unit tree, targets from
the unit or its nearest ancestor. Nothing here reads assistance records."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.scope import Ability, Scope
from ..errors import Forbidden, InvalidInput
from ..dbutil import in_values
from ..extensions import db
from ..roles.models import Role, RoleGrant
from ..teams.models import Team, TeamMember
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import subtree_condition
from ..units.services import get_unit
from .aggregates import codes_of
from . import requests_figures
from .indicators import ALL_MEMBERS, ALL_VILLAGES, BLOCKER_PREFIX, BY_CODE, INDICATORS, POPULATION, REQUEST_INDICATORS
from .models import CoverageCounter, CoverageTarget, LastActivity
from .periods import InvalidPeriod, Period, months_back, parse_period

READ_ABILITIES = (Ability.VIEW, Ability.WORK)
REQUEST_CODES = [indicator.code for indicator in REQUEST_INDICATORS]
GAP_DAYS = 30


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
    scope.require_visible(any(scope.allows(ability, unit) for ability in READ_ABILITIES))
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
    unit = readable_unit(scope, code)
    period = period_or_error(period_key)
    counters = _counters([unit.code], [period.key])
    tree = Denominators(unit)
    targets = targets_for(unit)
    items = [_figure(indicator, counters.get((unit.code, period.key, indicator.code), 0),
                     tree.for_unit(unit, indicator.denominator), targets.get(indicator.code))
             for indicator in INDICATORS]
    items += _request_figures(requests_figures.summary_for(unit.path, period), targets)
    blockers = sorted(({"blocker": key[len(BLOCKER_PREFIX):], "count": value}
                       for (u, p, key), value in counters.items() if key.startswith(BLOCKER_PREFIX) and value),
                      key=lambda b: (-b["count"], b["blocker"]))
    return UnitCoverage(unit, period, items, blockers, tree.population(unit.code), tree.households(unit.code))


def children_coverage(scope: Scope, code: str, indicator_code: str, period_key: str) -> tuple[Unit, list[dict]]:
    unit = readable_unit(scope, code)
    indicator = indicator_or_error(indicator_code)
    period = period_or_error(period_key)
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id, Unit.abolished_at.is_(None))
                                       .order_by(Unit.search_name)))
    if indicator.code in REQUEST_CODES:
        summaries = requests_figures.by_child(requests_figures.resolved_requests(unit.path, period), unit.depth + 1)
        empty = requests_figures.summarise([])
        return unit, [{"unit": child, **_request_figures(summaries.get(child.code, empty), {})[
            REQUEST_CODES.index(indicator.code)].__dict__} for child in children]
    counters = _counters([c.code for c in children], [period.key], indicator.code)
    tree = Denominators(unit)
    rows = []
    for child in children:
        figure = _figure(indicator, counters.get((child.code, period.key, indicator.code), 0),
                         tree.for_unit(child, indicator.denominator))
        rows.append({"unit": child, **figure.__dict__})
    return unit, rows


def monthly_series(scope: Scope, code: str, indicator_code: str, months: int = 12) -> list[dict]:
    unit = readable_unit(scope, code)
    indicator = indicator_or_error(indicator_code)
    keys = months_back(months, utcnow())
    counters = _counters([unit.code], keys, indicator.code)
    return [{"period": key, "numerator": counters.get((unit.code, key, indicator.code), 0)} for key in keys]


def gaps(scope: Scope, code: str) -> dict:
    """Villages with no assistance in 30 days, teams with no member active in 30 days, and blockers."""
    unit = readable_unit(scope, code)
    since = utcnow() - timedelta(days=GAP_DAYS)
    villages = db.session.scalars(select(Unit).where(subtree_condition(Unit.path, unit.path), Unit.level == "village",
                                                     Unit.abolished_at.is_(None)).order_by(Unit.path)).all()
    last = dict(db.session.execute(select(LastActivity.subject, LastActivity.occurred_at).where(
        in_values(LastActivity.subject, [f"unit:{v.code}" for v in villages]))).all()) if villages else {}
    quiet_villages = [{"unit": v, "last_activity": last.get(f"unit:{v.code}")} for v in villages
                      if last.get(f"unit:{v.code}") is None or last[f"unit:{v.code}"] < since]
    return {"unit": unit, "since": since, "quiet_villages": quiet_villages, "idle_teams": _idle_teams(unit, since),
            "overdue_requests": requests_figures.overdue_requests(unit.path)}


def _idle_teams(unit: Unit, since) -> list[Team]:
    from ..auth.models import User

    teams = db.session.scalars(select(Team).join(Unit).where(subtree_condition(Unit.path, unit.path))
                               .options(selectinload(Team.members)).order_by(Team.name)).all()
    phones = {member.phone for team in teams for member in team.members}
    if not phones:
        return list(teams)
    users = dict(db.session.execute(select(User.id, User.phone).where(in_values(User.phone, phones))).all())
    active_ids = {int(subject.split(":", 1)[1]) for subject in db.session.scalars(
        select(LastActivity.subject).where(in_values(LastActivity.subject, [f"member:{i}" for i in users]),
                                           LastActivity.occurred_at >= since))}
    active_phones = {users[i] for i in active_ids}
    return [team for team in teams if not any(member.phone in active_phones for member in team.members)]


def _request_figures(summary: dict, targets: dict) -> list[Figure]:
    on_time, resolved = summary["on_time"], summary["resolved"]
    median = summary["median_hours"]
    return [
        Figure("requests_on_time", on_time, resolved, round(on_time / resolved, 4) if resolved else None,
               targets.get("requests_on_time")),
        # A median has no numerator and denominator; `rate` carries the hours (null with no request resolved).
        Figure("median_resolution_hours", resolved, None, median),
    ]


def _counters(unit_codes, period_keys, indicator: str | None = None) -> dict:
    if not unit_codes:
        return {}
    stmt = select(CoverageCounter).where(CoverageCounter.unit_code.in_(unit_codes),
                                         CoverageCounter.period.in_(period_keys))
    if indicator:
        stmt = stmt.where(CoverageCounter.indicator == indicator)
    return {(c.unit_code, c.period, c.indicator): c.value for c in db.session.scalars(stmt)}


def _figure(indicator, numerator: int, denominator: int | None, target: dict | None = None) -> Figure:
    if indicator.denominator is None:
        denominator = None
    rate = round(numerator / denominator, 4) if denominator else None
    return Figure(indicator.code, numerator, denominator, rate, target)


class Denominators:
    """Population, villages and members of a unit and its children, from one scan of its subtree.

    A unit without its own population uses the sum of its children's, but only when every child
    has a figure: a partial sum would be a made-up number, so the rate is null instead."""

    def __init__(self, root: Unit):
        rows = db.session.execute(select(Unit.code, Unit.path, Unit.depth, Unit.level, Unit.population,
                                         Unit.households)
                                  .where(subtree_condition(Unit.path, root.path), Unit.abolished_at.is_(None))
                                  .order_by(Unit.depth.desc())).all()
        self._root = root
        self._population: dict[str, int | None] = {}
        self._households: dict[str, int | None] = {}
        self._villages: dict[str, int] = {}
        children: dict[str, list[str]] = {}
        for row in rows:
            codes = codes_of(row.path)
            if len(codes) > 1 and row.code != root.code:
                children.setdefault(codes[-2], []).append(row.code)
        for row in rows:  # deepest first, so children are done before their parent
            kids = children.get(row.code, [])
            self._population[row.code] = _own_or_sum(row.population, [self._population[k] for k in kids])
            self._households[row.code] = _own_or_sum(row.households, [self._households[k] for k in kids])
            self._villages[row.code] = (1 if row.level == "village" else 0) + sum(self._villages[k] for k in kids)
        self._members: dict[str, int] | None = None

    def population(self, code: str) -> int | None:
        return self._population.get(code)

    def households(self, code: str) -> int | None:
        return self._households.get(code)

    def for_unit(self, unit: Unit, kind: str | None) -> int | None:
        if kind == POPULATION:
            return self._population.get(unit.code)
        if kind == ALL_VILLAGES:
            return self._villages.get(unit.code, 0)
        if kind == ALL_MEMBERS:
            return self._root_members() if unit.code == self._root.code else self._member_counts().get(unit.code, 0)
        return None

    def _member_phones(self):
        members = (select(TeamMember.phone.label("phone"), Unit.path.label("path"))
                   .join(Team, TeamMember.team_id == Team.id).join(Unit, Team.unit_id == Unit.id)
                   .where(subtree_condition(Unit.path, self._root.path)))
        leaders = (select(RoleGrant.phone.label("phone"), Unit.path.label("path"))
                   .join(Unit, RoleGrant.unit_id == Unit.id)
                   .where(subtree_condition(Unit.path, self._root.path), RoleGrant.role == Role.TEAM_LEADER))
        return members.union_all(leaders).subquery()

    def _root_members(self) -> int:
        """Counted by the database: the unit's own page needs no per-child breakdown."""
        phones = self._member_phones()
        return db.session.scalar(select(func.count(func.distinct(phones.c.phone))))

    def _member_counts(self) -> dict[str, int]:
        """Team members and team leaders (leaders record help too), each counted once per unit."""
        if self._members is None:
            phones: dict[str, set] = {}
            for phone, path in db.session.execute(select(self._member_phones())).all():
                for code in codes_of(path):
                    phones.setdefault(code, set()).add(phone)
            self._members = {code: len(found) for code, found in phones.items()}
        return self._members


def _own_or_sum(own: int | None, children: list[int | None]) -> int | None:
    if own is not None:
        return own
    if children and all(value is not None for value in children):
        return sum(children)
    return None


def targets_for(unit: Unit) -> dict[str, dict]:
    """Per indicator, the target set on the unit or on its nearest ancestor."""
    codes = codes_of(unit.path)
    rows = db.session.execute(select(CoverageTarget, Unit.depth).join(Unit, CoverageTarget.unit_id == Unit.id)
                              .where(Unit.code.in_(codes)).order_by(Unit.depth)).all()
    found = {}
    for target, _depth in rows:  # shallow to deep: the nearest ancestor wins
        found[target.indicator] = {"rate": target.rate, "deadline": target.deadline, "unit": target.unit.code,
                                   "note": target.note}
    return found


def set_target(scope: Scope, unit_code: str, indicator_code: str, rate: float, deadline: date,
               note: str | None) -> CoverageTarget:
    """Admins and monitors set targets for units in their area."""
    unit = get_unit(unit_code)
    if not any(g.role in (Role.ADMIN, Role.MONITOR) and unit.path.startswith(g.unit.path) for g in scope.grants):
        raise Forbidden(_("Only administrators and monitors of this area set targets."))
    indicator = indicator_or_error(indicator_code)
    if indicator.denominator is None:
        raise InvalidInput(_("This indicator has no rate to aim for."),
                           {"indicator": [_("Choose an indicator with a rate.")]})
    target = db.session.scalar(select(CoverageTarget).where(CoverageTarget.unit_id == unit.id,
                                                            CoverageTarget.indicator == indicator.code))
    if target is None:
        target = CoverageTarget(unit_id=unit.id, indicator=indicator.code)
        db.session.add(target)
    target.rate, target.deadline, target.note, target.set_by_id = rate, deadline, note, scope.user.id
    target.unit = unit
    db.session.flush()
    return target


def list_targets(scope: Scope, unit_code: str) -> list[CoverageTarget]:
    unit = readable_unit(scope, unit_code)
    return list(db.session.scalars(select(CoverageTarget).join(Unit, CoverageTarget.unit_id == Unit.id)
                                   .where(Unit.code.in_(codes_of(unit.path))).order_by(Unit.depth, CoverageTarget.indicator)))
