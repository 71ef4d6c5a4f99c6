"""Where the dashboard may send a browser after sign-in or a language switch (a page of its own),
and what the sign-in page may load.

`next` comes from the address bar, so it is anyone's to write. Only a relative path under
/dashboard/ is followed (never a scheme such as javascript:, another host, `//host`, a backslash
that browsers read as a slash, or `..` climbing out); anything else means the home page. The
sign-in script checks again before following it (server/static/dashboard/sign-in.js)."""

import posixpath
import re
from urllib.parse import unquote, urlsplit

from flask import url_for

PREFIX = "/dashboard/"
_UNSAFE = re.compile(r"[\\\s\x00-\x1f\x7f]")


def safe_next(value: str | None) -> str:
    home = url_for("dashboard.home")
    if not value or not isinstance(value, str) or len(value) > 512 or _UNSAFE.search(unquote(value)):
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith(PREFIX):
        return home
    if posixpath.normpath(unquote(parts.path)) + "/" != unquote(parts.path).rstrip("/") + "/":
        return home  # `..`, `.` or `//` segments: not a plain path
    return value


def firebase_sign_in_policy(project_id: str) -> str:
    """Firebase phone sign-in talks to Google's identity APIs and shows reCAPTCHA in a frame."""
    from ..guards import content_security_policy

    return content_security_policy(
        script_src="https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/",
        connect_src="https://identitytoolkit.googleapis.com https://securetoken.googleapis.com",
        frame_src=f"https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/ "
        f"https://{project_id}.firebaseapp.com",
    )
