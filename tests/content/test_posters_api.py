"""The public catalogue: localised, cacheable (ETag/304), synced with changed_since, gzip-compressed."""

import gzip
import json
from datetime import UTC, datetime, timedelta

from server.content.loader import load_content_from

POSTER = "vneid-install-level1"


def test_services_are_localised_and_list_their_posters(as_phone):
    response = as_phone(None).get("/services?lang=en")
    assert response.status_code == 200
    services = {item["code"]: item for item in response.get_json()["items"]}
    assert {"vneid", "dichvucong", "e_payment", "mobile_money", "health_book", "zalo"} <= set(services)
    assert services["vneid"]["name"] == "VNeID app (electronic identification)"
    assert POSTER in services["vneid"]["posters"]
    assert response.headers["Content-Language"] == "en"
    vietnamese = as_phone(None).get("/services").get_json()["items"]
    assert vietnamese[0]["name"] == "Ứng dụng VNeID (định danh điện tử)"


def test_the_catalogue_lists_every_poster_in_one_language(as_phone):
    response = as_phone(None).get("/posters?lang=en")
    body = response.get_json()
    assert len(body["items"]) >= 15 and body["removed"] == []
    item = next(item for item in body["items"] if item["slug"] == POSTER)
    assert item["title"] == "Install VNeID and register a level-1 electronic ID account"
    assert item["lang"] == "en" and item["fell_back"] is False and item["service"] == "vneid"
    assert "steps" not in item  # the list stays small; steps come with the poster


def test_filters(as_phone):
    members = as_phone(None).get("/posters?audience=member").get_json()["items"]
    assert members and {item["audience"] for item in members} == {"member"}
    assert {"guide-elderly-person", "log-assistance", "no-signal-work"} <= {item["slug"] for item in members}
    vneid = as_phone(None).get("/posters?service=vneid").get_json()["items"]
    assert vneid and {item["service"] for item in vneid} == {"vneid"}
    assert as_phone(None).get("/posters?service=nothing-like-it").get_json()["items"] == []


def test_an_unchanged_catalogue_answers_304_with_no_body(client):
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        first = client.get("/api/v1/posters?lang=vi", headers=headers)
        etag = first.headers["ETag"]
        again = client.get("/api/v1/posters?lang=vi", headers=headers | {"If-None-Match": etag})
        assert again.status_code == 304
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
    other_language = client.get("/api/v1/posters?lang=en", headers={"If-None-Match": etag})
    assert other_language.status_code == 200


def test_responses_are_gzipped_when_the_client_accepts_it(client):
    plain = client.get(f"/api/v1/posters/{POSTER}")
    zipped = client.get(f"/api/v1/posters/{POSTER}", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.get_data())) == plain.get_json()
    assert len(zipped.get_data()) < len(plain.get_data()) / 2


def test_changed_since_returns_only_changes_and_removals(as_phone, app, content_copy, restore_real_content):
    first = as_phone(None).get("/posters").get_json()
    as_of = first["as_of"]
    nothing = as_phone(None).get("/posters", query_string={"changed_since": as_of}).get_json()
    assert nothing["items"] == [] and nothing["removed"] == []

    import shutil

    path = content_copy / "posters" / POSTER / "vi.toml"
    path.write_text(path.read_text().replace("Nhớ kỹ mật khẩu", "Ghi nhớ kỹ mật khẩu"))
    shutil.rmtree(content_copy / "posters" / "health-book")
    with app.app_context():
        from server.extensions import db

        load_content_from(content_copy, now=datetime.now(UTC) + timedelta(seconds=1))
        db.session.commit()
    changes = as_phone(None).get("/posters", query_string={"changed_since": as_of}).get_json()
    assert [item["slug"] for item in changes["items"]] == [POSTER]
    assert changes["items"][0]["version"] == next(i for i in first["items"] if i["slug"] == POSTER)["version"] + 1
    assert changes["removed"] == ["health-book"]
    assert as_phone(None).get("/posters/health-book").status_code == 404


def test_unparsable_changed_since_is_a_problem(as_phone):
    for value in ("yesterday", "2026-11-23T10:00:00"):  # the second has no time zone
        response = as_phone(None, "en").get("/posters", query_string={"changed_since": value})
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert "changed_since" in response.get_json()["errors"]


def test_one_poster_has_steps_with_cacheable_image_urls(as_phone, client):
    response = as_phone(None).get(f"/posters/{POSTER}?lang=en")
    poster = response.get_json()
    assert poster["title"].startswith("Install VNeID") and poster["help"]
    assert len(poster["steps"]) == 8 and all(step["text"] for step in poster["steps"])
    assert poster["steps"][2]["warning"].startswith("If the phone has no NFC")
    image_url = poster["steps"][0]["image"]
    assert image_url.startswith("/api/v1/images/") and image_url.endswith(".png")

    image = client.get(image_url)
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.get_data().startswith(b"\x89PNG")
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(image_url, headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_unknown_images_are_404(client):
    for name in ("0" * 64 + ".png", "not-a-hash.png"):
        response = client.get(f"/api/v1/images/{name}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_poster_etag_and_304(client):
    first = client.get(f"/api/v1/posters/{POSTER}?lang=vi")
    again = client.get(f"/api/v1/posters/{POSTER}?lang=vi", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_an_unknown_language_falls_back_to_vietnamese_and_says_so(as_phone):
    response = as_phone(None).get(f"/posters/{POSTER}?lang=hmn")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    poster = response.get_json()
    assert poster["lang"] == "vi" and poster["fell_back"] is True
    assert poster["title"].startswith("Cài VNeID")


def test_a_regional_tag_finds_its_language(as_phone):
    poster = as_phone(None).get(f"/posters/{POSTER}?lang=en-GB").get_json()
    assert poster["lang"] == "en" and poster["fell_back"] is False


def test_without_lang_the_accept_language_header_chooses(as_phone):
    assert as_phone(None, "en").get(f"/posters/{POSTER}").get_json()["lang"] == "en"
    assert as_phone(None).get(f"/posters/{POSTER}").get_json()["lang"] == "vi"


def test_an_added_language_is_served_without_code_changes(as_phone, app, content_copy, restore_real_content):
    folder = content_copy / "posters" / POSTER
    (folder / "tay.toml").write_text(
        (folder / "vi.toml").read_text().replace('title = "Cài VNeID', 'title = "(Tày) Cài VNeID')
    )
    with app.app_context():
        from server.extensions import db

        load_content_from(content_copy)
        db.session.commit()
    response = as_phone(None).get(f"/posters/{POSTER}?lang=tay")
    assert response.headers["Content-Language"] == "tay"
    assert response.get_json()["title"].startswith("(Tày)") and response.get_json()["fell_back"] is False
    other = as_phone(None).get("/posters/vneid-level2?lang=tay").get_json()
    assert other["lang"] == "vi" and other["fell_back"] is True


def test_an_unknown_poster_is_a_404_problem(as_phone):
    response = as_phone(None, "en").get("/posters/no-such-poster")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "There is no poster no-such-poster."
    assert (
        as_phone(None).get("/posters/no-such-poster").get_json()["detail"] == "Không có bài hướng dẫn no-such-poster."
    )
