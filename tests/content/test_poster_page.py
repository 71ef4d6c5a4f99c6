"""The page a poster's QR code opens."""

from tests.factories import build_world


def test_qr_target_shows_the_poster_and_the_village_team(client, app_context):
    world = build_world()
    page = client.get(f"/p/vneid-install-level1?unit={world.village_a.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cài VNeID" in html
    assert world.team_a.name in html and "Thôn Lô Lô Chải" in html
    assert f'href="/app/help/new?unit={world.village_a.code}&amp;service=vneid"' in html
    assert "Nhờ tổ giúp" in html and "tel:" not in html  # no public phone until the leader sets one
    image = client.get(html.split('<img src="', 1)[1].split('"', 1)[0])
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()


def test_english_page_and_unknown_language_fallback(client, app_context):
    build_world()
    assert "Install VNeID" in client.get("/p/vneid-install-level1?lang=en").get_data(as_text=True)
    page = client.get("/p/vneid-install-level1?lang=tay").get_data(as_text=True)
    assert "Cài VNeID" in page


def test_unknown_poster_or_unit_is_not_found(client, app_context):
    build_world()
    assert client.get("/p/no-such-poster").status_code == 404
    assert client.get("/p/vneid-install-level1?unit=99999").status_code == 404


def test_the_team_public_phone_set_by_its_leader_is_on_the_page(client, as_phone, app_context):
    from tests.factories import LEADER_A

    world = build_world()
    response = as_phone(LEADER_A).patch(f"/teams/{world.team_a.id}", json={"public_phone": "0912 345 678"})
    assert response.status_code == 200 and response.get_json()["public_phone"] == "+84912345678"
    html = client.get(f"/p/vneid-install-level1?unit={world.village_a.code}").get_data(as_text=True)
    assert 'href="tel:+84912345678"' in html and "Xã Lũng Cú" in html
    removed = as_phone(LEADER_A).patch(f"/teams/{world.team_a.id}", json={"public_phone": None})
    assert removed.get_json()["public_phone"] is None
    assert "tel:" not in client.get(f"/p/vneid-install-level1?unit={world.village_a.code}").get_data(as_text=True)


def test_a_bad_public_phone_is_refused(as_phone, app_context):
    from tests.factories import LEADER_A

    world = build_world()
    response = as_phone(LEADER_A, "en").patch(f"/teams/{world.team_a.id}", json={"public_phone": "call me"})
    assert response.status_code == 422 and response.get_json()["errors"]["public_phone"]
