"""Conditional GET for cacheable reads: a strong ETag from the body, and 304 with no body on a match."""

import hashlib
from copy import deepcopy
from functools import wraps

from flask import current_app, g, request
from flask_smorest.utils import deepupdate

from server import change_feed
from server.bounded_cache import app_cache
from server.types import utcnow

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
            key = repr((salt, request.path, request.query_string, _language(), version_of())).encode()
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

        return _documents_not_modified(wrapper)

    return decorate


KEPT_PAGES = 2_000  # pages of a few KB: bounded, so a worker's memory stays flat


def kept_until_changed(*topics: str, guard=None, per_caller: bool = False):
    """For reads whose body depends only on the request, the minute, rows of `topics` (server/change_feed.py)
    and, with `per_caller`, on who asks: the worker keeps the bytes it built until one of those tables
    changes or the minute turns (what is overdue or quiet moves with the clock), so a page or a poll
    that nothing changed is not computed again. The ETag is the body's hash; If-None-Match gets 304.

    `guard(**view_kwargs)` is the view's own check of the caller's right to what it names, made on
    every call before anything kept is served. Without the feed (SQLite) the view runs every time.
    Put between @access and @blp.arguments."""
    if per_caller:
        topics = (*topics, "users")  # whatever changes a caller's scope restamps the caller's row

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if guard is not None:
                guard(**kwargs)
            seen = tuple(change_feed.generation(topic) for topic in topics)
            if None in seen:
                return view(*args, **kwargs)
            caller = g.scope.user.id if per_caller else None
            minute = utcnow().replace(second=0, microsecond=0)
            key = (view.__module__, view.__name__, request.full_path, _language(), caller, minute, seen)
            kept = app_cache("toso.kept_pages", KEPT_PAGES)
            built = kept.get(key)
            if built is None:
                response = view(*args, **kwargs)
                if response.status_code != 200 or not response.is_json:  # downloads are built each time
                    return response
                built = _Built(response)
                built.tag = hashlib.blake2b(built.body, digest_size=16).hexdigest()
                kept.put(key, built)
            response = current_app.response_class(built.body, content_type=built.content_type)
            response.headers.extend(built.headers)
            response.set_etag(built.tag)
            matched = client_has(built.tag)
            return not_modified(response, matched) if matched else response

        return _documents_not_modified(wrapper)

    return decorate


def _documents_not_modified(wrapper):
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


def _language() -> str:
    return request.headers.get("Accept-Language", "")
