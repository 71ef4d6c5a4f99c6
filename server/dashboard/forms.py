"""A per-session token in every form that changes something (sign-out, request actions, members).

The session cookie is SameSite=Lax already; the token also stops a form posted from a page on
this site that an attacker could influence, and it costs one hidden field."""

import hmac
import secrets

from flask import request, session
from flask_babel import gettext as _

from ..errors import Forbidden

_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token() -> str:
    if _KEY not in session:
        session[_KEY] = secrets.token_urlsafe(32)
    return session[_KEY]


def check_csrf() -> None:
    sent = request.form.get(FIELD, "")
    if not sent or not hmac.compare_digest(sent, session.get(_KEY, "")):
        raise Forbidden(_("This form has expired. Reload the page and try again."))
