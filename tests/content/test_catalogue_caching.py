"""The catalogue's reads and printed posters are built once per content version: an unchanged
sync is answered 304 before anything is built, and a content load or a renamed team is seen at once."""

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from server.content import pdf, services
from server.content.loader import load_content_from
from server.extensions import db
from tests.factories import COMMUNE_A, make_team, make_unit

POSTER = "vneid-install-level1"


def _refuse(*_args, **_kwargs):
    raise AssertionError("built again, though nothing changed")


def test_an_unchanged_sync_is_answered_from_the_version_before_anything_is_built(client, monkeypatch):
    first = client.get("/api/v1/posters?lang=vi")
    assert first.status_code == 200
    monkeypatch.setattr(services, "list_posters", _refuse)
    again = client.get("/api/v1/posters?lang=vi", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    # Without If-None-Match, the bytes built for this version are sent again, unchanged.
    full = client.get("/api/v1/posters?lang=vi")
    assert full.status_code == 200 and full.get_data() == first.get_data()
    assert full.headers["Content-Language"] == first.headers["Content-Language"]


def test_the_language_asked_for_gives_another_representation(client):
    vi = client.get("/api/v1/posters", headers={"Accept-Language": "vi"})
    en = client.get("/api/v1/posters", headers={"Accept-Language": "en", "If-None-Match": vi.headers["ETag"]})
    assert en.status_code == 200 and en.headers["ETag"] != vi.headers["ETag"]
    assert en.get_json()["items"][0]["lang"] == "en"


def test_a_content_load_changes_the_etag_and_the_body(client, app, content_copy, restore_real_content):
    first = client.get(f"/api/v1/posters/{POSTER}?lang=vi")
    path = content_copy / "posters" / POSTER / "vi.toml"
    path.write_text(path.read_text().replace("Nhớ kỹ mật khẩu", "Ghi nhớ kỹ mật khẩu"))
    shutil.rmtree(content_copy / "posters" / "health-book")
    with app.app_context():
        load_content_from(content_copy, now=datetime.now(UTC) + timedelta(seconds=1))
        db.session.commit()
    again = client.get(f"/api/v1/posters/{POSTER}?lang=vi", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.get_json()["version"] == first.get_json()["version"] + 1
    listed = client.get("/api/v1/posters?lang=vi").get_json()
    assert "health-book" not in [item["slug"] for item in listed["items"]]


@pytest.fixture
def village(app):
    with app.app_context():
        unit = make_unit(COMMUNE_A, "Thôn Lô Lô Chải")
        team = make_team(unit.code, "Tổ công nghệ số thôn Lô Lô Chải")
        db.session.commit()
        return unit.code, team.id


def test_a_poster_pdf_asked_for_again_is_not_rendered_again(client, village, monkeypatch):
    code, _team = village
    url = f"/api/v1/posters/{POSTER}.pdf?unit={code}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, no-cache"
    monkeypatch.setattr(pdf._PosterSheet, "render", _refuse)
    again = client.get(url)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""


def test_a_renamed_team_prints_a_new_pdf(client, app, village):
    code, team_id = village
    url = f"/api/v1/posters/{POSTER}.pdf?unit={code}"
    first = client.get(url)
    with app.app_context():
        from server.teams.models import Team

        db.session.get(Team, team_id).name = "Tổ CNS Lô Lô Chải mới"
        db.session.commit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.get_data() != first.get_data()
    other_language = client.get(url + "&lang=en", headers={"If-None-Match": again.headers["ETag"]})
    assert other_language.status_code == 200 and other_language.headers["Content-Language"] == "en"
