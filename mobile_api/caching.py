"""Conditional GET for cacheable reads: a strong ETag from the body, and 304 with no body on a match."""

import hashlib
from copy import deepcopy
from functools import wraps

from flask import request
from flask_smorest.utils import deepupdate

REVALIDATE = "public, no-cache"  # phones may keep a copy but must ask (cheaply, with If-None-Match)
FOREVER = "public, max-age=31536000, immutable"


def client_has(tag: str) -> str | None:
    """The If-None-Match value that matches `tag`, if any. flask-compress appends ":gzip" (or ":br"…)
    to the ETag of a compressed response, so "tag:gzip" names the same representation."""
    candidates = request.if_none_match
    if candidates.star_tag:
        return tag
    for candidate in candidates.as_set(include_weak=True):
        if candidate == tag or candidate.startswith(tag + ":"):
            return candidate
    return None


def not_modified(response, matched: str):
    response.status_code = 304
    response.set_data(b"")
    response.set_etag(matched)
    return response


def conditional(view):
    """Put between @access and @blp.arguments: the ETag covers exactly the bytes sent."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        if response.status_code != 200:
            return response
        tag = hashlib.blake2b(response.get_data(), digest_size=16).hexdigest()
        response.set_etag(tag)
        response.headers.setdefault("Cache-Control", REVALIDATE)
        matched = client_has(tag)
        return not_modified(response, matched) if matched else response

    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
    wrapper._apidoc["manual_doc"] = deepupdate(deepcopy(wrapper._apidoc.get("manual_doc", {})), {
        "responses": {"304": {"description": "Not modified: the If-None-Match header named the ETag of "
                                             "the current representation (no body)"}},
    })
    return wrapper
