"""Emulation rankings: members or teams of a unit's area, scored on the declared criteria.

Everything is read from kept figures: the members' monthly tallies (server/emulation/tallies.py),
the help requests resolved in the period (a few per member), attendance, and the coverage
denominators; never the assistance records."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import case, func, select, text

from ..auth.models import User
from ..auth.scope import Ability, Scope
from ..coverage.aggregates import codes_of
from ..coverage.models import CoverageDenominator
from ..coverage.periods import VIETNAM, InvalidPeriod, Period, parse_period
from ..dbutil import in_values
from ..errors import InvalidInput
from ..extensions import db
from ..requests.models import HelpRequest, Rating
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from ..units.paths import subtree_condition
from ..units.services import get_unit
from .criteria import Criteria, Criterion, current_criteria
from .models import EmulationTally, Training, TrainingAttendance
from .tallies import ALL_SERVICES

MEMBERS, TEAMS = "members", "teams"


@dataclass
class Entry:
    """One ranked member or team: its reference, its criteria values and, once scored, its points."""

    kind: str
    ref: dict
    values: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)
    score: float = 0.0
    rank: int = 0

    @property
    def criteria(self) -> dict:
        return {code: {"value": self.values.get(code), "points": self.points.get(code, 0.0)} for code in self.values}

    def as_item(self) -> dict:
        """The API's item: {rank, member | team, score, criteria}."""
        return {"rank": self.rank, self.kind[:-1]: self.ref, "score": self.score, "criteria": self.criteria}


@dataclass
class Ranking:
    unit: Unit
    period: Period
    of: str
    criteria: tuple[Criterion, ...]
    items: list[Entry]


def emulation_period(key: str) -> Period:
    """Months, quarters and years (Vietnam's calendar); emulation has no 'all time'."""
    try:
        period = parse_period(key)
    except InvalidPeriod:
        period = None
    if period is None or period.start is None:
        message = _("Use a month (2026-11), a quarter (2026-Q4) or a year (2026).")
        raise InvalidInput(message, {"period": [message]})
    return period


def ranking_for(scope: Scope, code: str, period_key: str, of: str) -> Ranking:
    """Leaders see their commune, monitors and admins their area; a member sees their own team."""
    unit = get_unit(code)
    period = emulation_period(period_key)
    if scope.allows(Ability.VIEW, unit):
        teams = None
    else:
        teams = [m.team.id for m in scope.memberships if m.team.unit_id == unit.id]
        scope.require_visible(bool(teams))
    return rank(unit, period, of, only_teams=teams)


def rank(
    unit: Unit, period: Period, of: str, only_teams: list[int] | None = None, criteria: Criteria | None = None
) -> Ranking:
    criteria = criteria or current_criteria()
    if db.session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement it has run 5 times; PostgreSQL may then keep one generic plan
        # for any array of ids, and for a province's 6,000 phones that plan took 4 s instead of 20 ms.
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    chosen = criteria.for_unit_path(codes_of(unit.path))
    memberships = _memberships(unit, only_teams)
    users = _users({m["phone"] for m in memberships})
    months = months_of(period)
    if of == MEMBERS:
        entries, groups = _member_entries(memberships)
    else:
        entries, groups = _team_entries(unit, memberships, only_teams)
    population = _populations({e.ref["_unit"] for e in entries})
    tallies = _tallies(list(users.values()), months, criteria)
    trainings = _trainings(list({m["phone"] for m in memberships}), period)
    if of == MEMBERS:
        requests = _requests(HelpRequest.assignee_id, list(users.values()), period)
        request_of = {key: requests.get(users.get(key)) for key in groups}
    else:
        requests = _requests(HelpRequest.team_id, list(groups), period)
        request_of = {key: requests.get(key) for key in groups}
    for key, entry in zip(groups, entries, strict=True):
        phones = groups[key]
        ids = [users[p] for p in phones if p in users]
        entry.values = _values(
            chosen,
            criteria,
            [tallies[i] for i in ids if i in tallies],
            request_of[key],
            sum(trainings.get(p, 0) for p in phones),
            population.get(entry.ref.pop("_unit")),
        )
    score(entries, chosen)
    return Ranking(unit, period, of, chosen, entries)


def months_of(period: Period) -> list[str]:
    local = period.start.astimezone(VIETNAM)
    count = {"month": 1, "quarter": 3, "year": 12}[period.kind]
    return [f"{local.year}-{local.month + i:02d}" for i in range(count)]


def score(entries: list[Entry], criteria: tuple[Criterion, ...]) -> None:
    """points = weight × value ÷ best value; ties (equal scores) share a rank."""
    best = {c.code: max((e.values.get(c.code) or 0 for e in entries), default=0) for c in criteria}
    for entry in entries:
        entry.points = {
            c.code: round(c.weight * (entry.values.get(c.code) or 0) / best[c.code], 2) if best[c.code] else 0.0
            for c in criteria
        }
        entry.score = round(sum(entry.points.values()), 2)
    entries.sort(key=lambda e: (-e.score, e.ref["name"].casefold(), e.ref["id"]))
    for position, entry in enumerate(entries, start=1):
        previous = entries[position - 2] if position > 1 else None
        entry.rank = previous.rank if previous and previous.score == entry.score else position


def _values(
    chosen, criteria: Criteria, tallies: list[dict], requests: dict | None, trainings: int, population: int | None
) -> dict:
    people = sum(t["people"] for t in tallies)
    requests = requests or {"on_time": 0, "ratings": 0, "rating_sum": 0}
    values = {
        "people_helped": round(sum(t["weighted"] for t in tallies), 2),
        "people_per_100": round(people * 100 / population, 2) if population else None,
        "requests_on_time": requests["on_time"],
        "rating": round(requests["rating_sum"] / requests["ratings"], 2)
        if requests["ratings"] and requests["ratings"] >= criteria.min_ratings
        else None,
        "days_active": sum(t["days"] for t in tallies),
        "trainings": trainings,
        "pursued": sum(t["pursued"] for t in tallies),
    }
    return {c.code: values[c.code] for c in chosen}


def _memberships(unit: Unit, only_teams: list[int] | None) -> list[dict]:
    stmt = (
        select(
            TeamMember.id,
            TeamMember.phone,
            TeamMember.display_name,
            Team.id.label("team_id"),
            Team.name.label("team_name"),
            Unit.code.label("unit_code"),
        )
        .join(Team, TeamMember.team_id == Team.id)
        .join(Unit, Team.unit_id == Unit.id)
        .where(subtree_condition(Unit.path, unit.path))
        .order_by(Team.id, TeamMember.id)
    )
    if only_teams is not None:
        stmt = stmt.where(Team.id.in_(only_teams))
    return [dict(row) for row in db.session.execute(stmt).mappings()]


def _populations(codes: set[str]) -> dict[str, int | None]:
    """The population of each team's area, as coverage keeps it (plain tuples: 2,000 villages)."""
    if not codes:
        return {}
    return dict(
        db.session.execute(
            select(CoverageDenominator.unit_code, CoverageDenominator.population).where(
                in_values(CoverageDenominator.unit_code, codes)
            )
        ).all()
    )


def _users(phones: set[str]) -> dict[str, int]:
    if not phones:
        return {}
    return {
        phone: id_
        for id_, phone in db.session.execute(
            select(User.id, User.phone).where(in_values(User.phone, phones)).order_by(User.id.desc())
        )
    }


def _member_entries(memberships: list[dict]) -> tuple[list[Entry], dict]:
    """One entry per person: someone in two teams of the area is ranked once, with their first team."""
    entries, groups = [], {}
    unnamed = _("Member …%(end)s", end="{end}")  # translated once, not for each of 6,000 members
    for m in memberships:
        if m["phone"] in groups:
            continue
        groups[m["phone"]] = [m["phone"]]
        name = m["display_name"] or unnamed.replace("{end}", m["phone"][-4:])
        entries.append(
            Entry(
                MEMBERS,
                {
                    "id": m["id"],
                    "name": name,
                    "team": {"id": m["team_id"], "name": m["team_name"]},
                    "_unit": m["unit_code"],
                },
            )
        )
    return entries, groups


def _team_entries(unit: Unit, memberships: list[dict], only_teams) -> tuple[list[Entry], dict]:
    stmt = (
        select(Team.id, Team.name, Unit.code, Unit.name)
        .join(Unit, Team.unit_id == Unit.id)
        .where(subtree_condition(Unit.path, unit.path))
        .order_by(Team.id)
    )
    if only_teams is not None:
        stmt = stmt.where(Team.id.in_(only_teams))
    phones = defaultdict(list)
    for m in memberships:
        phones[m["team_id"]].append(m["phone"])
    entries, groups = [], {}
    for team_id, name, code, unit_name in db.session.execute(stmt):
        groups[team_id] = phones.get(team_id, [])
        entries.append(
            Entry(TEAMS, {"id": team_id, "name": name, "unit": {"code": code, "name": unit_name}, "_unit": code})
        )
    return entries, groups


def _tallies(member_ids: list[int], months: list[str], criteria: Criteria) -> dict[int, dict]:
    """member id -> figures summed over the months, the service weights applied by the database:
    one row per member, however many services and months."""
    if not member_ids:
        return {}
    t = EmulationTally
    everything = t.service == ALL_SERVICES
    weights = {service: weight for service, weight in criteria.service_weights.items() if service != "default"}
    weight = (
        case(weights, value=t.service, else_=criteria.service_weight("")) if weights else criteria.service_weight("")
    )
    stmt = (
        select(
            t.member_id,
            func.sum(case((everything, t.people), else_=0)),
            func.sum(case((everything, t.days), else_=0)),
            func.sum(case((everything, t.pursued), else_=0)),
            func.sum(case((everything, 0), else_=t.people * weight)),
        )
        .where(in_values(t.member_id, member_ids), t.month.in_(months))
        .group_by(t.member_id)
    )
    return {
        member_id: {"people": int(people), "days": int(days), "pursued": int(pursued), "weighted": float(weighted)}
        for member_id, people, days, pursued, weighted in db.session.execute(stmt)
    }


def _requests(column, keys: list, period: Period) -> dict:
    """Per assignee (or team): requests resolved in the period, how many on time, and their ratings."""
    keys = [k for k in keys if k is not None]
    if not keys:
        return {}
    on_time = func.sum(case((HelpRequest.resolved_at <= HelpRequest.resolution_due_at, 1), else_=0))
    stmt = (
        select(column, func.count(), on_time, func.count(Rating.score), func.coalesce(func.sum(Rating.score), 0))
        .outerjoin(Rating, Rating.request_id == HelpRequest.id)
        .where(in_values(column, keys), HelpRequest.resolved_at >= period.start, HelpRequest.resolved_at < period.end)
        .group_by(column)
    )
    return {
        key: {"resolved": resolved, "on_time": int(on_time or 0), "ratings": ratings, "rating_sum": int(total)}
        for key, resolved, on_time, ratings, total in db.session.execute(stmt)
    }


def _trainings(phones: list[str], period: Period) -> dict[str, int]:
    if not phones:
        return {}
    first = period.start.astimezone(VIETNAM).date()
    end = period.end.astimezone(VIETNAM).date()
    stmt = (
        select(TrainingAttendance.phone, func.count())
        .join(Training)
        .where(in_values(TrainingAttendance.phone, phones), Training.held_on >= first, Training.held_on < end)
        .group_by(TrainingAttendance.phone)
    )
    return dict(db.session.execute(stmt).all())
