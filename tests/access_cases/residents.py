from server.extensions import db
from tests.access_cases import EMPTY, OK, REJECTED, Case, everyone
from tests.activity_factories import make_resident, resident_body
from tests.factories import MEMBER_A

# Residents of area A: team workers there and its monitor see them; area B sees nothing, not even existence.
SEES_A = everyone(404, anonymous=401, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK)
WORKS_IN_A = everyone(404, anonymous=401, member_a=OK, leader_a=OK, admin=OK, monitor_a=403)


def _resident(world):
    resident = make_resident(world.village_a.code, MEMBER_A)
    db.session.commit()
    return resident


def _two_residents(world):
    kept = _resident(world)
    duplicate = make_resident(world.village_a.code, MEMBER_A, name="Lo Thi Hoa")
    return f"/residents/{kept.id}/merge", {"duplicate": str(duplicate.id)}


CASES = [
    Case(
        "POST",
        "/api/v1/residents",
        lambda w: ("/residents", resident_body(w.village_a.code)),
        everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK),
    ),
    # Answered item by item: a worker of area B gets 200 with the item rejected as outside_area.
    Case(
        "POST",
        "/api/v1/residents/batch",
        lambda w: ("/residents/batch", {"items": [resident_body(w.village_a.code)]}),
        everyone(403, anonymous=401, member_a=OK, leader_a=OK, admin=OK, member_b=REJECTED, leader_b=REJECTED),
    ),
    Case(
        "GET",
        "/api/v1/residents",
        lambda w: (f"/residents?unit={_resident(w).unit.code}", None),
        everyone(EMPTY, anonymous=401, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK),
    ),
    Case(
        "GET",
        "/api/v1/residents/access-log",
        lambda w: (f"/residents/access-log?resident={_resident(w).id}", None),
        everyone(403, anonymous=401, admin=OK),
    ),
    Case("GET", "/api/v1/residents/<uuid:resident_id>", lambda w: (f"/residents/{_resident(w).id}", None), SEES_A),
    Case(
        "GET",
        "/api/v1/residents/<uuid:resident_id>/export",
        lambda w: (f"/residents/{_resident(w).id}/export", None),
        SEES_A,
    ),
    Case(
        "DELETE", "/api/v1/residents/<uuid:resident_id>", lambda w: (f"/residents/{_resident(w).id}", None), WORKS_IN_A
    ),
    Case(
        "POST",
        "/api/v1/residents/<uuid:resident_id>/withdraw-consent",
        lambda w: (f"/residents/{_resident(w).id}/withdraw-consent", None),
        WORKS_IN_A,
    ),
    Case(
        "POST",
        "/api/v1/residents/<uuid:resident_id>/merge",
        _two_residents,
        everyone(403, anonymous=401, leader_a=OK, admin=OK, leader_b=404),
    ),
]
