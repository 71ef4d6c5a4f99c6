"""Verifying Firebase ID tokens with firebase-admin.

With FIREBASE_AUTH_EMULATOR_HOST set, firebase-admin accepts the Auth emulator's unsigned
tokens; create_app() refuses that mode in production. The app's config says which mode it runs in;
firebase-admin itself reads only the process environment (the deployer's, or `make demo`'s), so a
token is verified only when the two agree: an app configured for real tokens never accepts an
emulator token because some other code set the variable."""

import hashlib
import os
import time

import firebase_admin
from firebase_admin import auth, credentials
from flask import current_app
from flask_babel import gettext as _

from ..bounded_cache import app_cache
from ..errors import DomainError, Unauthenticated

_APP_NAME_PREFIX = "toso-"
VERIFIED_TOKENS_KEPT = 5_000  # a phone sends the same token for up to an hour; bounded memory
EMULATOR_VARIABLE = "FIREBASE_AUTH_EMULATOR_HOST"  # firebase-admin's switch


class TokenServiceUnavailable(DomainError):
    status = 503
    kind = "auth-unavailable"


def firebase_app() -> firebase_admin.App:
    """One firebase-admin app per project id, created on first use (never at import or start-up)."""
    project_id = current_app.config["FIREBASE_PROJECT_ID"]
    name = _APP_NAME_PREFIX + project_id
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        # Token verification needs only Google's public certificates; no service account is required.
        return firebase_admin.initialize_app(_AnonymousCredential(), {"projectId": project_id}, name=name)


class _AnonymousCredential(credentials.Base):
    def get_credential(self):
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()


def verify_token(id_token: str) -> dict:
    """Claims of a valid ID token; Unauthenticated for anything else.

    A token verified once is remembered (by its hash) until it expires: its claims cannot change,
    and phones send the same token with every call for up to an hour. Only successes are kept."""
    verified = app_cache("toso.verified_tokens", VERIFIED_TOKENS_KEPT)
    key = (
        current_app.config["FIREBASE_PROJECT_ID"],
        bool(os.environ.get("FIREBASE_AUTH_EMULATOR_HOST")),
        hashlib.sha256(id_token.encode()).digest(),
    )
    claims = verified.get(key)
    if claims is None:
        claims = _verify(id_token)
        verified.put(key, claims)
    # The emulator path does not check expiry; a token past its time is refused either way, and a
    # remembered one stops being accepted at the same moment.
    if claims.get("exp", 0) + 30 < time.time():
        verified.discard(key)
        raise Unauthenticated(_("Your sign-in has expired. Sign in again."))
    return dict(claims)


def _verify(id_token: str) -> dict:
    """Claims of a valid ID token; Unauthenticated for anything else."""
    if (current_app.config.get("FIREBASE_AUTH_EMULATOR_HOST") or "") != os.environ.get(EMULATOR_VARIABLE, ""):
        current_app.logger.error(
            "FIREBASE_AUTH_EMULATOR_HOST differs between the app's config and the process "
            "environment firebase-admin reads: refusing to verify sign-in tokens."
        )
        raise TokenServiceUnavailable(_("Sign-in cannot be checked right now. Try again shortly."))
    try:
        return auth.verify_id_token(id_token, app=firebase_app(), clock_skew_seconds=30)
    except auth.ExpiredIdTokenError:
        raise Unauthenticated(_("Your sign-in has expired. Sign in again."))
    except (auth.InvalidIdTokenError, ValueError):
        raise Unauthenticated(_("The sign-in token is not valid."))
    except auth.CertificateFetchError:
        raise TokenServiceUnavailable(_("Sign-in cannot be checked right now. Try again shortly."))
