from tests.access_cases import COMMUNE, OK, Case, everyone
from tests.factories import COMMUNE_A

# Coverage of commune A: its leader, the province monitor and the admin; members see only their village.
# A resident reads no area at all: refused by the route's declaration (READ) before any unit is looked at.
READERS_OF_A = everyone(404, anonymous=401, resident=403, leader_a=OK, monitor_a=OK, admin=OK)

CASES = [
    Case("GET", "/api/v1/coverage/<string:code>", lambda w: (f"/coverage/{COMMUNE_A}", None), READERS_OF_A, COMMUNE),
    Case(
        "GET",
        "/api/v1/coverage/<string:code>/children",
        lambda w: (f"/coverage/{COMMUNE_A}/children?indicator=people_helped", None),
        READERS_OF_A,
        COMMUNE,
    ),
    Case(
        "GET",
        "/api/v1/coverage/<string:code>/series",
        lambda w: (f"/coverage/{COMMUNE_A}/series", None),
        READERS_OF_A,
        COMMUNE,
    ),
    Case(
        "GET",
        "/api/v1/coverage/<string:code>/gaps",
        lambda w: (f"/coverage/{COMMUNE_A}/gaps", None),
        READERS_OF_A,
        COMMUNE,
    ),
    Case(
        "GET",
        "/api/v1/coverage-targets/<string:code>",
        lambda w: (f"/coverage-targets/{COMMUNE_A}", None),
        READERS_OF_A,
        COMMUNE,
    ),
    Case(
        "PUT",
        "/api/v1/coverage-targets",
        lambda w: (
            "/coverage-targets",
            {"unit": COMMUNE_A, "indicator": "payments_enabled", "rate": 0.8, "deadline": "2026-12-31"},
        ),
        everyone(403, anonymous=401, monitor_a=OK, admin=OK),
        COMMUNE,
    ),
]
