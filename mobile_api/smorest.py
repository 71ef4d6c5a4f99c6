"""How the API adapts flask-smorest, in one place (tests/test_smorest.py checks each adaptation still holds).

- Query strings are parsed strictly: a misspelt filter (`?staus=open`) is refused, not ignored.
  Every API module takes `Blueprint` from here; flask-smorest's own class is left untouched.
- Errors are answered by server.problems (one problem+json handler for the whole app), so the Api
  does not register smorest's JSON error handler, and documents every error response as
  application/problem+json. flask-smorest has no public setting for either: the two methods below
  override its internal ones, and the tests fail if an upgrade renames them."""

import http

import flask_smorest
from flask_smorest.utils import prepare_response
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser

from server.guards import checked_json
from server.problems import PROBLEM_MIMETYPE

from .fields import ProblemSchema


class StrictParser(FlaskParser):
    """Unknown query parameters are refused like unknown body fields."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    def _raw_load_json(self, req):
        """The body server/guards.py already parsed and checked, instead of parsing it a second time."""
        body = checked_json()
        return super()._raw_load_json(req) if body is None else body


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()


class ToSoApi(flask_smorest.Api):
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
