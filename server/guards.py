"""Guards and headers for every route of the application: API, dashboard, poster pages and any
blueprint added later. They are registered once in create_app, never per blueprint.

- Hostile shapes are refused before any view runs, as problem+json: a NUL character in the path,
  the query or a JSON body (422: PostgreSQL refuses NUL in text), and JSON nested deeper than
  anything ToSo accepts (400: a thousand levels overflow the parser's recursion).
- Every answer carries a request id (X-Request-ID) that the error log and the problem's `instance`
  repeat, so a villager's screenshot can be traced.
- Every answer gets `nosniff`, a Referrer-Policy and, in production, HSTS; an answer to a signed-in
  request is `private, no-store` unless its view chose its own caching. Every HTML page gets the
  Content-Security-Policy below: scripts only from this site, no inline script, never framed.
  A view that needs more (say Firebase's sign-in) sets its own header with `content_security_policy`.
"""

import base64
import hashlib
import json
import re
import uuid

from flask import Flask, current_app, g, request
from flask_babel import gettext as _

MAX_JSON_DEPTH = 32  # the deepest body ToSo reads is 4 levels; 32 leaves room and stops abuse early
REQUEST_ID_HEADER = "X-Request-ID"
_FORWARDED_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")  # a load balancer's id, kept only if harmless
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Inline style attributes draw the bars of the coverage pages; styles cannot run code.
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"  # JSON and problem answers: nothing to run
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


class HostileInput(Exception):
    """Refused by a guard before any view runs; answered as problem+json on every page, HTML ones too."""

    def __init__(self, status: int, kind: str, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status, self.kind, self.detail, self.errors = status, kind, detail, errors


def _nul() -> HostileInput:
    message = _("Text must not contain NUL characters.")
    return HostileInput(422, "validation", message, {"_request": [message]})


def _too_deep() -> HostileInput:
    return HostileInput(400, "too-deep", _("The JSON body is nested too deeply."))


def content_security_policy(**extra: str) -> str:
    """The page policy, with more sources for some directives: content_security_policy(connect_src="https://…")."""
    policy = dict(PAGE_POLICY)
    for directive, sources in extra.items():
        name = directive.replace("_", "-")
        policy[name] = f"{policy.get(name, '')} {sources}".strip()
    return "; ".join(f"{name} {sources}" for name, sources in policy.items())


def request_id() -> str | None:
    return g.get("request_id")


def checked_json():
    """The request's JSON body as the guard parsed and checked it (None when there was none)."""
    return g.get("checked_json")


def register_guards(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.before_request(_refuse_hostile_input)
    app.after_request(_security_headers)
    app.register_error_handler(HostileInput, _hostile_input_problem)


def _assign_request_id() -> None:
    forwarded = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = forwarded if _FORWARDED_ID.match(forwarded) else uuid.uuid4().hex


def _refuse_hostile_input() -> None:
    if "\x00" in request.path or b"%00" in request.query_string or b"\x00" in request.query_string:
        raise _nul()
    if request.is_json and request.content_length != 0:
        _check_json(request.get_data(cache=True))


def _check_json(raw: bytes) -> None:
    """Parse once with the standard parser and walk the result without recursion; malformed JSON is
    left to the views' own parsing, which answers it as malformed."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep()
    except ValueError:
        return
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise _nul()
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key, item in value.items():
                    if "\x00" in key:
                        raise _nul()
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
    g.checked_json = data  # parsed once: the API's argument parser reads it from here


def _hostile_input_problem(error: HostileInput):
    from .problems import problem

    return problem(error.status, error.detail, error.kind, error.errors)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request_id():
        headers.setdefault(REQUEST_ID_HEADER, request_id())
    if "Cache-Control" not in headers and _carries_credentials() and request.endpoint != "static":
        # Personal data must not stay in a shared proxy or in the browser of a commune office's
        # shared computer; phones revalidate with their own If-None-Match, which needs no stored copy.
        headers["Cache-Control"] = "private, no-store"
    if current_app.config.get("TOSO_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        headers.setdefault("X-Frame-Options", "DENY")
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = content_security_policy(**_inline_script_hashes(response))
    elif response.is_json:
        headers.setdefault("Content-Security-Policy", DATA_POLICY)
    return response


def _carries_credentials() -> bool:
    return "Authorization" in request.headers or current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def _inline_script_hashes(response) -> dict:
    """Pages of libraries we do not render ourselves (flask-smorest's Swagger UI) carry one inline
    script: it is allowed by its hash, never by 'unsafe-inline'. Our own templates have none."""
    if response.direct_passthrough or not request.path.startswith(current_app.config.get("OPENAPI_URL_PREFIX", "/")):
        return {}
    scripts = _INLINE_SCRIPT.findall(response.get_data())
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in scripts)
    return {"script_src": hashes} if hashes else {}
