"""The demo shows emulation: ranked members with scores, one with nothing yet, trainings and skills."""

from datetime import UTC, datetime

import time_machine

from server.demo.seed import seed_demo
from server.extensions import db

MONITOR, LEADER = "+84912000001", "+84912000002"


def test_demo_makes_rankings_trainings_and_skills_visible(app_context, as_phone):
    with time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), tick=False):
        seed_demo()
        db.session.commit()
        ranking = as_phone(MONITOR).get("/emulation/00715?period=2026-Q4").get_json()
        scores = {item["member"]["name"]: item["score"] for item in ranking["items"]}
        assert scores["Ly Thị Mỷ"] == 0 and scores["Giàng Thị Say"] > 0 and scores["Lò Thị Hoa"] > 0
        assert any(item["criteria"]["trainings"]["value"] for item in ranking["items"])
        teams = as_phone(MONITOR).get("/emulation/08?period=2026&of=teams").get_json()
        assert len(teams["items"]) == 3 and teams["items"][0]["score"] > 0
        trainings = as_phone(LEADER).get("/trainings?unit=00715").get_json()["items"]
        assert len(trainings) == 2 and all(t["attendance"] for t in trainings)
        team = next(
            t
            for t in as_phone(LEADER).get("/teams?unit=00715").get_json()["items"]
            if t["name"] == "Tổ công nghệ số xã Lũng Cú"
        )
        members = as_phone(LEADER).get(f"/teams/{team['id']}/members").get_json()["items"]
        assert any(m["skills"] for m in members)


def test_the_dashboard_team_page_shows_each_members_skills_by_name(app_context, client):
    from tests.conftest import token_for

    with time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC), tick=False):
        seed_demo()
        db.session.commit()
        assert client.post("/auth/session", json={"id_token": token_for(LEADER)}).status_code == 204
        page = client.get("/dashboard/units/00715/teams").get_data(as_text=True)
    skills = [part.split("</details>")[0] for part in page.split('<details class="skills">')[1:]]
    assert skills, "the demo's trained members show their skills"
    assert all("Ứng dụng VNeID" in line or "vneid" not in line for line in skills)  # service names, never codes
    assert any("Ứng dụng VNeID" in line for line in skills)
