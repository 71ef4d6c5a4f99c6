"""Access cases: for every /api/v1 endpoint, what each kind of caller gets on an object in area A.

Each feature adds a module here defining CASES = [Case(...)]; test_access_matrix fails if an
endpoint has no case, so a new endpoint cannot ship without its allow/deny expectations.

Actors (tests.factories.ACTORS): anonymous, resident, and for area A (commune 00715 in
province 08) member_a, leader_a, monitor_a; admin (nation); and member_b, leader_b, monitor_b of
area B, for whom every object of area A is out of scope."""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

OK = "ok"  # any 2xx
EMPTY = "empty"  # 200 with an empty `items` list: a list filtered down to nothing
REJECTED = "rejected"  # 200 from a batch whose every item is rejected: answered item by item
VILLAGE, COMMUNE = "village", "commune"  # where a case's object lives in area A
# A commune of province A other than commune A: inside the province monitor's area, outside commune A's.
PROVINCE_ONLY = "province_only"


def commune_elsewhere_in_province_a():
    from sqlalchemy import select

    from server.extensions import db
    from server.units.models import Unit
    from tests.factories import COMMUNE_A

    return db.session.scalar(
        select(Unit)
        .where(Unit.level == "commune", Unit.path.startswith("/VN/08/"), Unit.code != COMMUNE_A)
        .order_by(Unit.code)
    )


@dataclass(frozen=True)
class Case:
    method: str
    rule: str  # as in app.url_map, e.g. "/api/v1/teams/<int:team_id>"
    prepare: Callable  # prepare(world) -> (path, json_body or None); runs inside an app context
    expect: dict  # actor -> OK | EMPTY | REJECTED | status code
    area: str = VILLAGE  # the unit of area A the object belongs to: the scope the service checks

    @property
    def key(self) -> str:
        return f"{self.method} {self.rule}"


def everyone(outcome, **overrides) -> dict:
    from tests.factories import ACTORS

    return {actor: outcome for actor in ACTORS} | overrides


def all_cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(__path__):
        cases += importlib.import_module(f"{__name__}.{module.name}").CASES
    return cases
