"""The one error path: every error becomes an RFC 9457 problem+json response."""

import logging

from flask import Flask, current_app, has_request_context, json, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .errors import DomainError, shown
from .guards import request_id
from .validation_messages import translate_errors

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_BASE = "https://toso.vn/problems/"


def _title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Sign-in required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Invalid data"),
        428: _("Precondition required"),
        429: _("Too many requests"),
        500: _("Internal error"),
        503: _("Service unavailable"),
    }
    return titles.get(status, _("Error"))


def problem(status: int, detail: str, kind: str | None = None, errors=None, headers=None):
    body = {
        "type": TYPE_BASE + (kind or str(status)),
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if has_request_context() and request_id():
        body["instance"] = f"urn:toso:request:{request_id()}"  # also in the X-Request-ID header
    if errors:
        body["errors"] = _shown_keys(errors)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _shown_keys(errors):
    """Field names come from the caller's body (an unknown field is named back): repeat only plain ones."""
    if not isinstance(errors, dict):
        return errors
    return {shown(key) if isinstance(key, str) else key: _shown_keys(value) for key, value in errors.items()}


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); clients want field → messages."""
    flat = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location if location != "json" else "_body"] = fields
    return flat


def _http_detail(error: HTTPException) -> tuple[str, str]:
    details = {
        400: ("malformed", _("The request could not be understood.")),
        401: ("unauthenticated", _("Sign in to continue.")),
        403: ("forbidden", _("You are not allowed to do this.")),
        404: ("not-found", _("Nothing exists at this address.")),
        405: ("method-not-allowed", _("This address does not accept that method.")),
        413: (
            "too-large",
            _(
                "The request body is larger than the %(limit)s bytes allowed.",
                limit=current_app.config["MAX_CONTENT_LENGTH"],
            ),
        ),
        415: ("unsupported-media-type", _("Send the request body as application/json.")),
        422: ("validation", _("Some fields are invalid.")),
        428: ("precondition-required", _("Send If-Match with the version you last read.")),
    }
    return details.get(error.code, (str(error.code), _("The request could not be completed.")))


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    kind, detail = _http_detail(error)
    errors = None
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        errors = translate_errors(_flatten_locations(messages))
        if list(errors) == ["_body"] and error.code in (400, 422):
            # webargs reports unparsable JSON as a body-level message
            kind, detail, error.code = "malformed-json", _("The request body is not valid JSON."), 400
            errors = None
    headers = {}
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(error.code, detail, kind, errors, headers)


def handle_domain_error(error: DomainError):
    return problem(error.status, error.detail, error.kind, error.errors, error.headers)


def handle_database_error(error: DBAPIError):
    if isinstance(error, OperationalError) or error.connection_invalidated:
        _log_error("database unavailable", error)
        return problem(
            503,
            _("The database is unavailable. Try again shortly."),
            "database-unavailable",
            headers={"Retry-After": "30"},
        )
    return handle_unexpected(error)


def handle_unexpected(error: Exception):
    if current_app.config.get("TESTING") and not current_app.config.get("PROBLEMS_FOR_UNEXPECTED"):
        raise error
    _log_error("unexpected error", error)
    return problem(500, _("Something went wrong on our side. The team has been told."), "internal")


def _log_error(what: str, error: Exception) -> None:
    """Once per failed request, through the app's logger (gunicorn's error log), with the request id
    the client was given; the path only, never the query string (it may carry personal data)."""
    current_app.logger.error(
        "%s [request %s] on %s %s", what, request_id(), request.method, request.path, exc_info=error
    )


def send_errors_to_gunicorn(app: Flask) -> None:
    """Under gunicorn, the app's log records go to gunicorn's error log (--error-logfile), where
    operators look; elsewhere Flask's own handler (stderr) stays."""
    gunicorn_error = logging.getLogger("gunicorn.error")
    if gunicorn_error.handlers:
        app.logger.handlers = list(gunicorn_error.handlers)
        app.logger.setLevel(gunicorn_error.level)
        app.logger.propagate = False


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
