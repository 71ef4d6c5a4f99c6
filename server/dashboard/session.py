"""Browser sign-in: a Firebase ID token is exchanged once for a signed, HttpOnly session cookie."""

from datetime import timedelta

from flask import current_app, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.firebase import verify_token
from ..auth.models import User
from ..auth.scope import Scope
from ..auth.scope_cache import scope_of
from ..auth.users import user_from_claims
from ..errors import Unauthenticated
from ..extensions import db

SESSION_LIFETIME = timedelta(hours=8)
_USER_KEY = "user_id"


class _SessionOnlyWhenSent(SecureCookieSessionInterface):
    """Flask builds the cookie's signer on every request; the API's calls carry no cookie and skip it."""

    def open_session(self, app, request):
        if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def configure_session_cookie(app) -> None:
    app.session_interface = _SessionOnlyWhenSent()
    app.config.update(
        SESSION_COOKIE_NAME="toso_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["TOSO_ENV"] == "production",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )


def start_session(id_token: str) -> User:
    user = user_from_claims(verify_token(id_token))
    db.session.flush()
    session.clear()
    session.permanent = True
    session[_USER_KEY] = user.id
    return user


def end_session() -> None:
    session.clear()


def session_scope() -> Scope:
    user_id = session.get(_USER_KEY)
    user = db.session.scalar(select(User).where(User.id == user_id)) if user_id else None
    if user is None:
        raise Unauthenticated(_("Sign in to continue."))
    return scope_of(user)


def emulator_mode() -> bool:
    return (
        bool(current_app.config.get("FIREBASE_AUTH_EMULATOR_HOST")) and current_app.config["TOSO_ENV"] != "production"
    )


def signed_in() -> bool:
    return _USER_KEY in session
