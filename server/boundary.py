"""The request boundary: where a web request's transaction commits. Services only flush."""

from functools import wraps

from .extensions import db


def commits(view):
    """Commit once the view has succeeded. An error skips the commit, and the session's teardown
    rolls the transaction back, so a failed request writes nothing. (mobile_api's `access`
    decorator is the same boundary for the API's views.)"""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        db.session.commit()
        return response

    return wrapper
