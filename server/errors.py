"""Domain errors: raised by services, turned into problem+json by server.problems.

`detail` is translated when the error is raised (the request's locale is known then). A value the
caller typed goes into a message only through `shown`, so a problem never repeats hostile input."""

import re


class DomainError(Exception):
    status = 400
    kind = "bad-request"

    def __init__(self, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class Unauthenticated(DomainError):
    status = 401
    kind = "unauthenticated"

    def __init__(self, detail, errors=None):
        super().__init__(detail, errors, headers={"WWW-Authenticate": 'Bearer realm="toso"'})


class Forbidden(DomainError):
    status = 403
    kind = "forbidden"


class NotFound(DomainError):
    status = 404
    kind = "not-found"


class Conflict(DomainError):
    status = 409
    kind = "conflict"


class PreconditionFailed(DomainError):
    status = 412
    kind = "precondition-failed"


class InvalidInput(DomainError):
    """A rule that depends on stored data (an unknown parent unit, say), reported like a field error."""

    status = 422
    kind = "validation"


_SHOWABLE = re.compile(r"^[\w.+\-/]{1,40}$")


def shown(value) -> str:
    """What a message may repeat of the caller's input: a plain code, number or slug as typed;
    anything else (markup, quotes, spaces, control characters, long text) is not echoed back."""
    text = str(value)
    return text if _SHOWABLE.match(text) else "…"
