"""The page a poster's QR code opens."""

from tests.factories import build_world


def test_qr_target_shows_the_poster_and_the_village_team(client, app_context):
    world = build_world()
    page = client.get(f"/p/vneid-install-level1?unit={world.village_a.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cài VNeID" in html
    assert world.team_a.name in html and "Thôn Lô Lô Chải" in html
    assert f"toso://help-requests/new?unit={world.village_a.code}" in html
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
