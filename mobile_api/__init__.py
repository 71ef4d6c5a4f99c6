"""The /api/v1 REST contract of the phone app (see the generated /api/v1/openapi.json)."""

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import UnsupportedMediaType

from server.errors import Forbidden

from .access import declared_access
from .smorest import Blueprint, ToSoApi

PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}


def register_api(app: Flask) -> ToSoApi:
    from . import (
        activities,
        coverage,
        emulation,
        health,
        help_requests,
        me,
        notifications,
        posters,
        residents,
        role_grants,
        teams,
        units,
    )

    api = ToSoApi(app)
    api.spec.options["servers"] = [{"url": "/"}]
    blueprints = [
        health.blp,
        me.blp,
        units.blp,
        role_grants.blp,
        teams.blp,
        posters.blp,
        help_requests.blp,
        notifications.blp,
        residents.blp,
        activities.blp,
        coverage.blp,
        emulation.blp,
    ]
    for blueprint in blueprints:
        if not isinstance(blueprint, Blueprint):
            raise TypeError(f"{blueprint.name}: take Blueprint from mobile_api.smorest (strict query strings)")
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
        # NUL characters and deeply nested JSON are refused for the whole app by server/guards.py.

    return api


def _has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
