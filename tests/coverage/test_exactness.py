"""Coverage read from the write-time aggregates equals a recount from the raw records, for every
indicator, at every level, for several periods: with corrections (sent before or after what they
correct), group sessions, re-sends and merged residents."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.activities.models import ACTIONS, BLOCKERS, Activity
from server.auth.models import User
from server.coverage.denominators import member_phones
from server.coverage.indicators import INDICATORS, MEMBERS, PEOPLE, RECORDS, RESIDENTS, VILLAGES, blocker_counter
from server.coverage.periods import parse_period, period_keys
from server.coverage.rebuild import rebuild_coverage
from server.extensions import db
from server.residents.models import Resident
from server.units.models import Unit
from server.units.services import get_unit
from tests.activity_factories import activity_item, count_coverage, make_resident
from tests.factories import ADMIN, COMMUNE_A, COMMUNE_B, LEADER_A, LEADER_B, MEMBER_A, build_world, make_unit

SERVICES = ["vneid", "bank_app", "e_payment", "health_book", "dichvucong", "zalo"]


def _item(rng, unit_code, resident, now):
    outcome = rng.choice(["succeeded", "succeeded", "partial", "failed"])
    item = activity_item(
        unit_code,
        resident,
        service=rng.choice(SERVICES),
        action=rng.choice(ACTIONS),
        outcome=outcome,
        occurred_at=(now - timedelta(days=rng.uniform(0, 390))).isoformat(),
    )
    if resident is None:
        item["people"] = rng.randint(2, 30)
    if outcome != "succeeded":
        item["blocker"] = rng.choice(BLOCKERS)
    return item


@pytest.fixture
def history(app_context, as_phone):
    """About 400 records from three recorders in five villages of two provinces."""
    rng = random.Random(20261123)
    world = build_world()
    villages_a = [world.village_a, make_unit(COMMUNE_A, "Thôn Thèn Pả"), make_unit(COMMUNE_A, "Thôn Séo Lủng")]
    villages_b = [world.village_b, make_unit(COMMUNE_B, "Tổ dân phố 7")]
    db.session.commit()
    residents = {
        v.code: [make_resident(v.code, ADMIN, name=f"Người {v.code} {n}").id for n in range(6)]
        for v in villages_a + villages_b
    }
    now = datetime.now(UTC)
    batches = {LEADER_A: [], MEMBER_A: [], LEADER_B: []}
    for _ in range(420):
        recorder = rng.choice(list(batches))
        if recorder == MEMBER_A:
            village = world.village_a
        elif recorder == LEADER_A:
            village = rng.choice(villages_a)
        else:
            village = rng.choice(villages_b)
        # Some help happens in another village of the commune than the resident's own.
        home = rng.choice(villages_a if recorder != LEADER_B else villages_b)
        resident = rng.choice(residents[home.code]) if rng.random() < 0.85 else None
        if recorder == MEMBER_A and resident is not None:
            resident = rng.choice(residents[world.village_a.code])
        batches[recorder].append(_item(rng, village.code, resident, now))
    # Corrections: some sent after what they correct, some before it arrives.
    late = []
    for recorder, items in batches.items():
        for original in rng.sample(items, 12):
            correction = dict(
                original, id=str(uuid.uuid4()), outcome="failed", blocker="weak_signal", supersedes=original["id"]
            )
            if rng.random() < 0.5:
                items.append(correction)
            else:
                items.remove(original)
                items.insert(0, correction)
                late.append((recorder, original))
    for recorder, items in batches.items():
        api = as_phone(recorder)
        for start in range(0, len(items), 60):
            chunk = items[start : start + 60]
            assert api.post("/activities/batch", json={"items": chunk}).status_code == 200
            assert api.post("/activities/batch", json={"items": chunk[::-1]}).status_code == 200  # a re-send
            count_coverage()  # the worker keeps up, so corrections withdraw what was counted
    count_coverage()  # the worker runs while records still arrive
    for recorder, original in late:
        assert as_phone(recorder).post("/activities/batch", json={"items": [original]}).status_code == 200
    count_coverage()
    # Two records of one person are merged by the commune's leader.
    kept, duplicate = residents[world.village_a.code][0], residents[villages_a[1].code][1]
    response = as_phone(LEADER_A).post(f"/residents/{kept}/merge", json={"duplicate": str(duplicate)})
    assert response.status_code == 200, response.get_json()
    count_coverage()
    db.session.expire_all()
    return world, villages_a + villages_b


def _recount(unit: Unit, period_key: str) -> dict:
    """The indicators recomputed from raw rows, the slow and obvious way."""
    period = parse_period(period_key)
    records = db.session.scalars(select(Activity)).all()
    superseded = {r.supersedes_id for r in records if r.supersedes_id}
    residents = {r.id: r for r in db.session.scalars(select(Resident))}
    levels = dict(db.session.execute(select(Unit.code, Unit.level)).all())
    homes = {rid: residents[r.merged_into_id or rid].unit.path for rid, r in residents.items()}
    # A member belongs to the areas of their teams and team leader grants, wherever they helped.
    member_areas, areas = {}, member_phones()
    for user_id, path in db.session.execute(select(User.id, areas.c.path).join(areas, areas.c.phone == User.phone)):
        member_areas.setdefault(user_id, []).append(path)
    figures = {indicator.code: set() if indicator.counts not in (RECORDS,) else 0 for indicator in INDICATORS}
    people_amount = {i.code: 0 for i in INDICATORS}
    blockers = {}
    for record in records:
        if record.id in superseded or period_key not in period_keys(record.occurred_at):
            continue
        row = {"service": record.service, "action": record.action, "outcome": record.outcome, "blocker": record.blocker}
        inside = record.unit_path.startswith(unit.path)
        for indicator in INDICATORS:
            if not indicator.matches(row):
                continue
            if indicator.counts in (RESIDENTS, PEOPLE) and record.resident_id:
                canonical = residents[record.resident_id].merged_into_id or record.resident_id
                if homes[record.resident_id].startswith(unit.path):
                    figures[indicator.code].add(canonical)
            elif indicator.counts == PEOPLE and record.people and inside:
                people_amount[indicator.code] += record.people
            elif indicator.counts == RECORDS and inside:
                figures[indicator.code] += 1
            elif indicator.counts == VILLAGES and inside:
                codes = record.unit_path.strip("/").split("/")
                villages = [c for c in codes if levels[c] == "village"]
                if villages:
                    figures[indicator.code].add(villages[-1])
            elif indicator.counts == MEMBERS and any(
                area.startswith(unit.path) for area in member_areas.get(record.member_id, [])
            ):
                figures[indicator.code].add(record.member_id)
        name = blocker_counter(row)
        if name and inside:
            blockers[name.split(":", 1)[1]] = blockers.get(name.split(":", 1)[1], 0) + 1
    numerators = {
        code: (len(value) if isinstance(value, set) else value) + people_amount[code] for code, value in figures.items()
    }
    return {"numerators": numerators, "blockers": blockers, "period": period}


def _this_month_quarter_year():
    month, quarter, year, _all = period_keys(datetime.now(UTC))
    last_month = period_keys(datetime.now(UTC) - timedelta(days=35))[0]
    return [month, last_month, quarter, year, str(int(year) - 1), "all"]


def _api_figures(api, code, period):
    body = api.get(f"/coverage/{code}?period={period}").get_json()
    activity_codes = {indicator.code for indicator in INDICATORS}
    return (
        {item["indicator"]: item["numerator"] for item in body["items"] if item["indicator"] in activity_codes},
        {b["blocker"]: b["count"] for b in body["blockers"]},
    )


def test_coverage_equals_a_recount_from_raw_records(history, as_phone):
    _world, villages = history
    api = as_phone(ADMIN)
    units = [get_unit(code) for code in ("VN", "08", COMMUNE_A, "01", COMMUNE_B)] + villages
    compared = 0
    for unit in units:
        for period in _this_month_quarter_year():
            expected = _recount(unit, period)
            numerators, blockers = _api_figures(api, unit.code, period)
            assert numerators == expected["numerators"], (unit.code, period)
            assert blockers == expected["blockers"], (unit.code, period)
            compared += 1
    assert compared == len(units) * 6


def test_rebuild_gives_the_same_counters(history, as_phone):
    api = as_phone(ADMIN)
    before = {
        (code, p): _api_figures(api, code, p)
        for code in ("VN", COMMUNE_A, COMMUNE_B)
        for p in _this_month_quarter_year()
    }
    rebuild_coverage()
    db.session.commit()
    after = {
        (code, p): _api_figures(api, code, p)
        for code in ("VN", COMMUNE_A, COMMUNE_B)
        for p in _this_month_quarter_year()
    }
    assert after == before


def test_children_add_up_to_the_parent_for_additive_indicators(history, as_phone):
    api = as_phone(ADMIN)
    for indicator in ("public_services_submitted", "villages_reached"):
        parent = {i["indicator"]: i["numerator"] for i in api.get(f"/coverage/{COMMUNE_A}").get_json()["items"]}
        children = api.get(f"/coverage/{COMMUNE_A}/children?indicator={indicator}").get_json()["items"]
        assert sum(c["numerator"] for c in children) == parent[indicator]
