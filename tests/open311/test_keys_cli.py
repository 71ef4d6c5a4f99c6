"""`flask open311 keys create | list | revoke`: a key is printed once and only its hash is stored."""

from sqlalchemy import select

from server.extensions import db
from server.open311.keys import find_key, hash_key
from server.open311.models import PartnerKey
from tests.factories import COMMUNE_A


def test_create_list_and_revoke(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["open311", "keys", "create", "Tổng đài 1022", "--unit", COMMUNE_A])
    assert created.exit_code == 0, created.output
    plaintext = created.stdout.strip().splitlines()[-1]
    assert plaintext.startswith("o311_") and len(plaintext) > 40

    with app.app_context():
        stored = db.session.scalar(select(PartnerKey))
        assert stored.key_hash == hash_key(plaintext)
        assert plaintext not in (stored.key_hash, stored.key_prefix, stored.name)
        assert find_key(plaintext).id == stored.id

    listed = runner.invoke(args=["open311", "keys", "list"])
    assert listed.exit_code == 0
    assert "Tổng đài 1022" in listed.output and COMMUNE_A in listed.output and "active" in listed.output
    assert plaintext not in listed.output

    response = client.post("/open311/v2/requests.json", data={"api_key": plaintext, "service_code": "vneid"})
    assert response.status_code == 400
    uses = runner.invoke(args=["open311", "keys", "uses", str(stored.id)])
    assert uses.exit_code == 0 and "\tfile\t400\t" in uses.output and "127.0.0.1" in uses.output

    assert runner.invoke(args=["open311", "keys", "revoke", str(stored.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["open311", "keys", "list"]).output
    response = client.post("/open311/v2/requests.json", data={"api_key": plaintext, "service_code": "vneid"})
    assert response.status_code == 403


def test_mistakes_are_reported_without_a_traceback(app):
    runner = app.test_cli_runner()
    unknown_unit = runner.invoke(args=["open311", "keys", "create", "X", "--unit", "no-such-unit"])
    assert unknown_unit.exit_code != 0 and "no-such-unit" in unknown_unit.output
    assert runner.invoke(args=["open311", "keys", "create", "X"]).exit_code != 0
    for command in ("revoke", "uses"):
        unknown_key = runner.invoke(args=["open311", "keys", command, "999"])
        assert unknown_key.exit_code != 0 and "999" in unknown_key.output
