from server.extensions import db
from tests.access_cases import COMMUNE, EMPTY, OK, Case, everyone
from tests.factories import COMMUNE_A, grant

SIGNED_IN = everyone(OK, anonymous=401)
# Changing things in area A: its leader and the admin may; nobody else.
MANAGERS_OF_A = everyone(403, anonymous=401, leader_a=OK, admin=OK)
# A resident reads no area at all (refused by the declaration); area B does not learn the team exists.
READERS_OF_TEAM_A = everyone(404, anonymous=401, resident=403, member_a=OK, leader_a=OK, monitor_a=OK, admin=OK)


def _extra_grant(world):
    extra = grant("+84900000050", "team_leader", world.village_a.code)
    db.session.commit()
    return extra


def _member_id(world):
    return world.team_a.members[0].id


CASES = [
    Case("GET", "/api/v1/health", lambda w: ("/health", None), everyone(OK)),
    Case("GET", "/api/v1/me", lambda w: ("/me", None), SIGNED_IN),
    Case("PATCH", "/api/v1/me", lambda w: ("/me", {"display_name": "Tên mới"}), SIGNED_IN),
    Case("GET", "/api/v1/units", lambda w: (f"/units?parent={COMMUNE_A}", None), SIGNED_IN),
    Case("GET", "/api/v1/units/<string:code>", lambda w: (f"/units/{w.village_a.code}", None), SIGNED_IN),
    Case(
        "POST", "/api/v1/units", lambda w: ("/units", {"parent": COMMUNE_A, "name": "Thôn Mới"}), MANAGERS_OF_A, COMMUNE
    ),
    Case(
        "PATCH",
        "/api/v1/units/<string:code>",
        lambda w: (f"/units/{w.village_a.code}", {"population": 300}),
        MANAGERS_OF_A,
    ),
    Case(
        "POST",
        "/api/v1/role-grants",
        lambda w: ("/role-grants", {"phone": "0987654321", "role": "monitor", "unit": COMMUNE_A}),
        MANAGERS_OF_A,
        COMMUNE,
    ),
    Case(
        "GET",
        "/api/v1/role-grants",
        lambda w: (f"/role-grants?unit={COMMUNE_A}", None),
        everyone(403, anonymous=401, leader_a=OK, monitor_a=OK, admin=OK, leader_b=EMPTY, monitor_b=EMPTY),
        COMMUNE,
    ),
    Case(
        "DELETE",
        "/api/v1/role-grants/<int:grant_id>",
        lambda w: (f"/role-grants/{_extra_grant(w).id}", None),
        MANAGERS_OF_A | {"leader_b": 404},
    ),
    Case("GET", "/api/v1/teams", lambda w: ("/teams", None), SIGNED_IN),
    Case("POST", "/api/v1/teams", lambda w: ("/teams", {"unit": w.village_a.code, "name": "Tổ mới"}), MANAGERS_OF_A),
    Case("GET", "/api/v1/teams/<int:team_id>", lambda w: (f"/teams/{w.team_a.id}", None), READERS_OF_TEAM_A),
    Case(
        "PATCH",
        "/api/v1/teams/<int:team_id>",
        lambda w: (f"/teams/{w.team_a.id}", {"public_phone": "0987654321"}),
        MANAGERS_OF_A | {"leader_b": 404},
    ),
    Case(
        "GET",
        "/api/v1/teams/<int:team_id>/members",
        lambda w: (f"/teams/{w.team_a.id}/members", None),
        READERS_OF_TEAM_A,
    ),
    Case(
        "POST",
        "/api/v1/teams/<int:team_id>/members",
        lambda w: (f"/teams/{w.team_a.id}/members", {"phone": "0987654321"}),
        MANAGERS_OF_A | {"leader_b": 404},
    ),
    Case(
        "DELETE",
        "/api/v1/teams/<int:team_id>/members/<int:member_id>",
        lambda w: (f"/teams/{w.team_a.id}/members/{_member_id(w)}", None),
        MANAGERS_OF_A | {"leader_b": 404},
    ),
]
