"""mobile_api/smorest.py adapts flask-smorest in three ways; each is checked here, so that an upgrade
of flask-smorest that renames what the adaptation relies on fails a test instead of changing answers."""

import flask_smorest
import pytest
from webargs.flaskparser import FlaskParser

import mobile_api
from mobile_api.smorest import Blueprint, StrictParser, ToSoApi


def test_the_overridden_methods_still_exist_in_flask_smorest():
    for name in ("_register_error_handlers", "_register_responses"):
        assert callable(getattr(flask_smorest.Api, name, None)), name
        assert getattr(ToSoApi, name) is not getattr(flask_smorest.Api, name)


def test_importing_the_api_leaves_flask_smorest_untouched():
    assert mobile_api  # imported above, with every API module
    assert type(flask_smorest.Blueprint.ARGUMENTS_PARSER) is FlaskParser
    assert isinstance(Blueprint.ARGUMENTS_PARSER, StrictParser)


def test_every_api_blueprint_parses_query_strings_strictly(as_phone, app_context):
    from tests.factories import ADMIN, build_world

    build_world()
    response = as_phone(ADMIN, lang="en").get("/help-requests?staus=open")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"staus": ["Unknown field."]}


def test_errors_under_the_api_are_problems_not_smorest_json(client):
    for response in (client.get("/api/v1/no-such-thing"), client.delete("/api/v1/health")):
        assert response.mimetype == "application/problem+json"
        assert {"type", "title", "status", "detail"} <= set(response.get_json())


def test_a_blueprint_of_flask_smorest_itself_is_refused(make_app, monkeypatch):
    plain = flask_smorest.Blueprint("plain", __name__)
    from mobile_api import health

    monkeypatch.setattr(health, "blp", plain)
    with pytest.raises(TypeError, match="mobile_api.smorest"):
        make_app()
