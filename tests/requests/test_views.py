"""Services answer with view objects: what depends on the caller is never written onto the stored
request, so two callers in one session cannot see each other's allowed actions."""

import uuid

from sqlalchemy import select

from server.auth.models import User
from server.auth.scope import load_scope
from server.extensions import db
from server.requests import services
from server.requests.models import HelpRequest
from tests.factories import LEADER_A, RESIDENT, build_world
from tests.requests.helpers import file_request, sign_in


def _scope(phone):
    return load_scope(db.session.scalar(select(User).where(User.phone == phone)))


def test_each_caller_gets_their_own_view_of_one_stored_request(as_phone, app_context):
    world = build_world()
    sign_in(as_phone, LEADER_A)
    filed = file_request(as_phone, world)
    stored = db.session.get(HelpRequest, uuid.UUID(filed["id"]))
    leader = services.detail_view(_scope(LEADER_A), stored)
    requester = services.detail_view(_scope(RESIDENT), stored)
    assert "assign" in leader.allowed_actions and "assign" not in requester.allowed_actions
    assert "cancel" in requester.allowed_actions
    assert leader.reference == requester.reference == stored.reference  # columns read through
    for name in ("allowed_actions", "overdue", "history", "comments", "rating"):
        assert name not in vars(stored), name
