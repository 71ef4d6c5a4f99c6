"""/app/: the shell, manifest, service worker, texts, sign-in settings and public contact, without a browser."""

import json

from server.extensions import db
from tests.factories import build_world


def test_every_screen_is_the_same_shell_with_a_strict_policy(client):
    for path in ("/app/", "/app/help/new?unit=00715.2&service=vneid", "/app/outbox"):
        page = client.get(path)
        assert page.status_code == 200 and page.mimetype == "text/html"
        html = page.get_data(as_text=True)
        assert '<link rel="manifest" href="/app/manifest.webmanifest">' in html
        assert "<script>" not in html and " style=" not in html  # nothing inline for the CSP to refuse
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_manifest_meets_the_install_criteria(client):
    response = client.get("/app/manifest.webmanifest", headers={"Accept-Language": "en"})
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["lang"] == "vi" and manifest["name"].startswith("ToSo: tổ công nghệ số")  # Vietnamese first
    assert manifest["short_name"] == "ToSo" and manifest["display"] == "standalone"
    assert manifest["start_url"] == manifest["scope"] == "/app/" and manifest["theme_color"]
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert image.data[16:24] == int(icon["sizes"].split("x")[0]).to_bytes(4, "big") * 2  # PNG width, height
        image.close()


def test_the_service_worker_lists_the_shell_with_a_version(client):
    worker = client.get("/app/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Cache-Control"] == "no-cache"
    header = worker.get_data(as_text=True).split("\n", 1)[0]
    shell = json.loads(header.removeprefix("const SHELL = ").removesuffix(";"))
    assert len(shell["version"]) == 16
    assert {"/app/", "/app/strings/vi.json", "/app/strings/en.json", "/static/app/app.js"} <= set(shell["urls"])
    for url in shell["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_texts_come_from_the_catalogues_in_both_languages(client):
    vi = client.get("/app/strings/vi.json").get_json()
    en = client.get("/app/strings/en.json").get_json()
    assert vi["labels"]["log_help"] == "Ghi nhận hỗ trợ" and en["labels"]["log_help"] == "Log help given"
    assert vi["blockers"]["no_chip_id_card"] == "Chưa có căn cước gắn chip"
    assert set(vi["actions"]) == set(vi["order"]["actions"]) and vi["labels"].keys() == en["labels"].keys()
    assert client.get("/app/strings/fr.json").status_code == 404


def test_demo_sign_in_exists_only_with_the_emulator(client, make_app):
    config = client.get("/app/config.json").get_json()
    assert config["emulator"] is True and any(p["role"] == "member" for p in config["demo_people"])
    token = client.post("/app/dev-token", json={"phone": "0987 000 111"})
    assert token.status_code == 200 and token.get_json()["id_token"].count(".") == 2
    bad = client.post("/app/dev-token", json={"phone": "call me"}, headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"

    production_like = make_app(FIREBASE_AUTH_EMULATOR_HOST=None).test_client()
    assert production_like.get("/app/config.json").get_json()["demo_people"] == []
    refused = production_like.post("/app/dev-token", json={"phone": "0987000111"})
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"


def test_the_public_contact_of_a_village(client, app_context):
    world = build_world()
    world.team_a.public_phone = "+84912777888"
    db.session.commit()
    contact = client.get(f"/app/contact.json?unit={world.village_a.code}").get_json()
    assert contact["team"] == world.team_a.name and contact["team_phone"] == "+84912777888"
    assert contact["commune"] == "Xã Lũng Cú"
    missing = client.get("/app/contact.json?unit=99999")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/app/contact.json").status_code == 404
