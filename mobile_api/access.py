"""Who may call a view. Every /api/v1 view declares a rule; a view without one is refused.

The decorator also commits the request's transaction once the view has succeeded."""

from copy import deepcopy
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest.utils import deepupdate
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.auth.firebase import verify_token
from server.auth.scope import Ability, Scope
from server.auth.scope_cache import known_caller, scope_of, users_heard
from server.auth.users import phone_from_claims, sign_in
from server.errors import Forbidden, Unauthenticated
from server.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC = "public"
SIGNED_IN = "signed_in"
ACCESS_ATTRIBUTE = "_toso_access"
READ_WITHOUT_TRANSACTION = "toso.read_without_transaction"


def access(rule: str | Ability):
    """PUBLIC, SIGNED_IN, or an Ability the caller must hold somewhere; objects are checked by services."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            session = db.session()
            reading = request.method in SAFE_METHODS and not session.in_transaction()
            if reading:
                session.info[READ_WITHOUT_TRANSACTION] = True
            try:
                if rule != PUBLIC:
                    g.scope = authenticate()
                    if isinstance(rule, Ability) and not g.scope.has(rule):
                        raise Forbidden(_("Your role does not allow this."))
                response = view(*args, **kwargs)
            except BaseException:
                if reading:
                    session.rollback()  # hands the connection back now, in its usual isolation level
                raise
            finally:
                session.info.pop(READ_WITHOUT_TRANSACTION, None)
            if session.in_transaction():  # an answer from memory touched no connection: nothing to end
                session.commit()
            return response

        setattr(wrapper, ACCESS_ATTRIBUTE, rule)
        if rule != PUBLIC:
            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
            wrapper._apidoc["manual_doc"] = deepupdate(
                deepcopy(wrapper._apidoc.get("manual_doc", {})), {"security": [{"firebase": []}]}
            )
        return wrapper

    return decorate


@event.listens_for(Session, "do_orm_execute")
def _read_without_transaction(state) -> None:
    """A read needs no transaction: no BEGIN and COMMIT round trips, and each statement sees what is
    committed, as it would under READ COMMITTED. The one row a read may write (the personal-data
    access log) is a single statement and commits on its own. The connection is taken at the first
    statement, so a read answered from memory takes none. With the database unreachable, the
    statement meets the error itself (the health check answers 503)."""
    session = state.session
    if session.info.pop(READ_WITHOUT_TRANSACTION, False) and not session.in_transaction():
        try:
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        except SQLAlchemyError:
            session.rollback()


def authenticate() -> Scope:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_("Sign in to continue."))
    claims = verify_token(token.strip())
    heard = users_heard()
    known = known_caller(claims["sub"], phone_from_claims(claims), heard)
    if known is not None:
        return known
    user, wrote = sign_in(claims)
    if wrote:
        db.session.commit()  # the first sign-in is kept even if the request itself fails
    return scope_of(user, heard)


def current_scope() -> Scope:
    return g.scope


def declared_access(endpoint: str | None):
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, ACCESS_ATTRIBUTE, None)
