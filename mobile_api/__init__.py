"""The /api/v1 REST contract of the phone app (see the generated /api/v1/openapi.json)."""

import http

from flask import Flask, request
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import UnsupportedMediaType

from server.errors import Forbidden, InvalidInput
from server.problems import PROBLEM_MIMETYPE

from .access import declared_access
from .fields import ProblemSchema

PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}


class StrictParser(FlaskParser):
    """Unknown query parameters are refused like unknown body fields: a misspelt filter
    (`?staus=open`) must not silently return everything."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}


Blueprint.ARGUMENTS_PARSER = StrictParser()


class ToSoApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """server.problems answers every error; smorest's own JSON error shape is not used."""

    def _register_responses(self):
        """Document every error response as what it is: RFC 9457 application/problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def register_api(app: Flask) -> Api:
    from . import (activities, coverage, emulation, health, help_requests, me, notifications, posters, residents,
                   role_grants, teams, units)

    api = ToSoApi(app)
    api.spec.options["servers"] = [{"url": "/"}]
    blueprints = [health.blp, me.blp, units.blp, role_grants.blp, teams.blp, posters.blp, help_requests.blp,
                  notifications.blp, residents.blp, activities.blp, coverage.blp,
                  emulation.blp]
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=PREFIX)
    names = {blueprint.name for blueprint in blueprints}

    @app.before_request
    def guard_api_requests():
        if request.blueprint not in names:
            return
        if declared_access(request.endpoint) is None:
            # Deny by default: a view that forgot to declare who may call it serves no one.
            raise Forbidden(_("You are not allowed to do this."))
        if request.method in BODY_METHODS and _has_body() and not request.is_json:
            raise UnsupportedMediaType()
        if _carries_nul():
            # PostgreSQL cannot store NUL in text, and no honest client sends one.
            message = _("Text must not contain NUL characters.")
            raise InvalidInput(message, {"_request": [message]})

    return api


def _carries_nul() -> bool:
    if "\x00" in request.path or any("\x00" in key + value for key, value in request.args.items(multi=True)):
        return True
    return request.is_json and _has_body() and _contains_nul(request.get_json(silent=True))


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
