"""A worker keeps callers and the catalogue version only while PostgreSQL tells it nothing changed:
a change committed by another process (here a plain psycopg connection, which this process's
SQLAlchemy hooks cannot see) reaches it, and so does the loss of its listening connection."""

import time

import psycopg
import pytest
from sqlalchemy import make_url

from server import change_feed
from tests.factories import (
    LEADER_A,
    LEADER_B,
    MEMBER_A,
    MEMBER_B,
    MONITOR_A,
    MONITOR_B,
    PROVINCE_A,
    RESIDENT,
    build_world,
)
from tests.requests.helpers import file_request

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def other_process(app):
    """A connection that is not this process's SQLAlchemy engine: like another worker or psql."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("SQLite has no notifications: there every call reads the database")
    assert change_feed.wait_listening(), "the change feed did not start listening"
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)) as conn:
        yield conn


def _eventually(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the change never reached this worker"
        time.sleep(0.01)


def test_another_process_renaming_a_known_caller_reaches_this_worker(as_phone, other_process, sql_statements):
    build_world()
    for _ in range(2):
        assert as_phone(MEMBER_A).get("/me").status_code == 200
    sql_statements.clear()
    assert as_phone(MEMBER_A).get("/me").get_json()["display_name"] is None
    assert sql_statements == []  # known, so not read again

    other_process.execute("UPDATE users SET display_name = 'Chị Lan' WHERE phone = %s", (MEMBER_A,))
    other_process.commit()
    _eventually(lambda: as_phone(MEMBER_A).get("/me").get_json()["display_name"] == "Chị Lan")


def test_a_role_revoked_by_another_process_is_not_used_after_it_is_heard(as_phone, other_process):
    world = build_world()
    assert as_phone(MEMBER_A).get(f"/teams/{world.team_a.id}/members").status_code == 200
    # What a revocation does (server/auth/scope_cache.py restamps whoever it touches), done elsewhere.
    other_process.execute("DELETE FROM team_members WHERE phone = %s", (MEMBER_A,))
    other_process.execute("UPDATE users SET scope_stamp = 'revoked-elsewhere' WHERE phone = %s", (MEMBER_A,))
    other_process.commit()
    _eventually(lambda: as_phone(MEMBER_A).get("/me").get_json()["teams"] == [])


def test_a_rolled_back_change_moves_nothing(as_phone, other_process):
    build_world()
    as_phone(MEMBER_A).get("/me")
    heard, units = change_feed.generation("users"), change_feed.generation("units")
    other_process.execute("UPDATE users SET display_name = 'never' WHERE phone = %s", (MEMBER_A,))
    other_process.rollback()
    other_process.execute("UPDATE units SET name = name WHERE code = %s", (PROVINCE_A,))  # a marker, heard after
    other_process.commit()
    _eventually(lambda: change_feed.generation("units") != units)
    assert change_feed.generation("users") == heard


def test_a_content_change_elsewhere_changes_the_catalogue_etag(client, other_process):
    first = client.get("/api/v1/posters?lang=vi")
    tag = first.headers["ETag"]
    assert client.get("/api/v1/posters?lang=vi", headers={"If-None-Match": tag}).status_code == 304
    other_process.execute("UPDATE posters SET updated_at = updated_at + interval '1 second'")
    other_process.commit()
    _eventually(lambda: client.get("/api/v1/posters?lang=vi", headers={"If-None-Match": tag}).status_code == 200)


def test_while_the_feed_is_deaf_every_call_reads_the_database(as_phone, other_process, sql_statements):
    build_world()
    for _ in range(2):
        as_phone(MEMBER_A).get("/me")
    before = change_feed.generation("users")
    other_process.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
        (change_feed.CHANNEL,),
    )
    other_process.execute("UPDATE users SET display_name = 'Anh Tú' WHERE phone = %s", (MEMBER_A,))
    other_process.commit()
    # Whether the worker is still noticing the loss or already listening again, the change is seen.
    _eventually(lambda: as_phone(MEMBER_A).get("/me").get_json()["display_name"] == "Anh Tú")
    assert change_feed.wait_listening()
    after = change_feed.generation("users")
    assert after is not None and after[0] > before[0]  # a new epoch: nothing kept before the loss is trusted


def test_sqlite_never_claims_to_hear_changes(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        assert change_feed.generation("users") is None
        assert not change_feed.wait_listening(0.1)


# --- pages kept until what they read changes (mobile_api/caching.remembered) ---------------------


def test_every_watched_table_has_its_trigger(other_process):
    rows = other_process.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = c.relname || '_notify_change'"
    ).fetchall()
    assert {name for (name,) in rows} == set(change_feed.TOPICS)


def test_a_kept_coverage_page_is_checked_against_each_callers_scope(as_phone, other_process):
    build_world()
    for _ in range(2):
        assert as_phone(MONITOR_A).get(f"/coverage/{PROVINCE_A}/gaps").status_code == 200
    assert as_phone(MEMBER_B).get(f"/coverage/{PROVINCE_A}/gaps").status_code in (403, 404)
    assert as_phone(MONITOR_B).get(f"/coverage/{PROVINCE_A}").status_code in (403, 404)


def test_a_request_changed_elsewhere_shows_in_the_kept_lists(as_phone, other_process):
    world = build_world()
    filed = file_request(as_phone, world)
    tag = None
    for _ in range(2):
        page = as_phone(LEADER_A).get("/help-requests")
        assert [item["id"] for item in page.get_json()["items"]] == [filed["id"]]
        assert tag in (None, page.headers["ETag"])
        tag = page.headers["ETag"]
    assert as_phone(LEADER_A).get("/help-requests", headers={"If-None-Match": tag}).status_code == 304
    # Each caller has their own page: the resident's list is theirs, the other province's leader sees nothing.
    assert [item["id"] for item in as_phone(RESIDENT).get("/help-requests?mine=true").get_json()["items"]] == [
        filed["id"]
    ]
    assert as_phone(LEADER_B).get("/help-requests").get_json()["items"] == []

    other_process.execute("UPDATE help_requests SET description = 'Đã sửa ở nơi khác' WHERE id = %s", (filed["id"],))
    other_process.commit()
    _eventually(
        lambda: as_phone(LEADER_A).get("/help-requests").get_json()["items"][0]["description"] == "Đã sửa ở nơi khác"
    )


def test_the_feed_can_be_turned_off(make_app, other_process):
    with make_app(CHANGE_FEED=False).app_context():
        assert change_feed.generation("users") is None
