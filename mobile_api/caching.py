"""Conditional GET for cacheable reads: a strong ETag from the body, and 304 with no body on a match."""

import hashlib
from copy import deepcopy
from functools import wraps

from flask import current_app, request
from flask_smorest.utils import deepupdate

from server.bounded_cache import app_cache

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


class _Built:
    """A 200 response's bytes and headers, as the view built them."""

    def __init__(self, response):
        self.body = response.get_data()
        self.content_type = response.content_type
        self.headers = [
            (k, v) for k, v in response.headers.items() if k not in ("Content-Length", "Content-Type", "ETag")
        ]


BUILT_KEPT = 128  # a catalogue list is tens of KB: bounded, so a worker's memory stays flat


def versioned(version_of, salt: bytes = b""):
    """For public reads whose body depends only on the request and on stored data with a cheap version
    (`version_of()`, one query): the ETag is derived from that version, so an unchanged sync is answered
    304 before anything is built, and the worker keeps the bytes it built for that version.

    The key is the path, the query string and Accept-Language (the response varies on it), with `salt`
    naming the code that builds the body. Put between @access and @blp.arguments."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = repr(
                (salt, request.path, request.query_string, request.headers.get("Accept-Language", ""), version_of())
            ).encode()
            tag = hashlib.blake2b(key, digest_size=16).hexdigest()
            matched = client_has(tag)
            built = app_cache("toso.built_responses", BUILT_KEPT)
            if matched:
                response = current_app.response_class(status=304)
                response.headers["Vary"] = "Accept-Language"
                response.headers["Cache-Control"] = REVALIDATE
                return not_modified(response, matched)
            cached = built.get(tag)
            if cached is None:
                response = view(*args, **kwargs)
                if response.status_code != 200:
                    return response
                cached = _Built(response)
                built.put(tag, cached)
            response = current_app.response_class(cached.body, content_type=cached.content_type)
            response.headers.extend(cached.headers)
            response.set_etag(tag)
            response.headers.setdefault("Cache-Control", REVALIDATE)
            return response

        wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
        wrapper._apidoc["manual_doc"] = deepupdate(
            deepcopy(wrapper._apidoc.get("manual_doc", {})),
            {
                "responses": {
                    "304": {
                        "description": "Not modified: the If-None-Match header named the ETag of "
                        "the current representation (no body)"
                    }
                },
            },
        )
        return wrapper

    return decorate
