"""What other processes changed, heard from PostgreSQL as they commit: so a worker may keep what it
read until it changes, and answer a known caller or an unchanged catalogue without a query.

Triggers on the watched tables (migration 5c0d1e2f3a4b) `NOTIFY toso_changes` with the table's
name; PostgreSQL delivers a notification only once its transaction commits, and never for one that
rolls back. Each web worker holds one listening connection on a daemon thread, which moves the
*generation* of the topic named. A value read from the database is kept together with the
generation seen before it was read, and reused only while the generation is still that one.

Whenever this process cannot be sure to hear every change, `generation()` answers None and the
callers read the database as they would without the feed: on SQLite, before the listening
connection is up, and from the moment it fails until it is back (a new connection starts a new
epoch, so nothing kept before it is trusted). Writes made by this process move the generation at
once, without waiting for the notification, so a worker always sees its own writes.

The window that remains: another process's commit reaches this worker a few milliseconds later,
when its notification arrives (or, if the listening connection dies silently, when its health
check fails, within CHECK_EVERY seconds)."""

import logging
import os
import re
import threading
from collections.abc import Callable, Hashable

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.sql.elements import TextClause

from .bounded_cache import app_cache

CHANNEL = "toso_changes"
# Table → the topic its changes move. Everything keyed on a topic must be read from these tables only.
TOPICS = {
    "users": "users",  # scope changes restamp users (server/auth/scope_cache.py), so they land here too
    "posters": "content",
    "poster_translations": "content",
    "services": "content",
    "images": "content",
    "units": "units",
    "teams": "teams",
    "team_members": "teams",
    "role_grants": "teams",
    "coverage_marks": "figures",
    "coverage_counters": "figures",
    "coverage_last_activity": "figures",
    "coverage_targets": "figures",
    "coverage_denominators": "figures",
    "help_requests": "requests",
    "help_request_counters": "requests",
    "help_request_events": "requests",
    "help_request_comments": "requests",
    "help_request_ratings": "requests",
    "notifications": "notifications",
}
CHECK_EVERY = 5.0  # seconds between health checks of the listening connection
RETRY_AFTER = (0.5, 1, 2, 5, 10)  # seconds, after the listening connection fails

_RAW_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(\"?\w+\"?)", re.IGNORECASE)

log = logging.getLogger(__name__)


class ChangeFeed:
    """One listening connection per process and database."""

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.Lock()
        self._epoch = 0
        self._listening = False
        self._counts: dict[str, int] = dict.fromkeys(set(TOPICS.values()), 0)
        self._stopped = threading.Event()
        self._up = threading.Event()
        self._thread = threading.Thread(target=self._run, name="toso-change-feed", daemon=True)
        self._thread.start()

    def generation(self, topic: str) -> Hashable | None:
        with self._lock:
            return (self._epoch, self._counts[topic]) if self._listening else None

    def wait_listening(self, timeout: float) -> bool:
        return self._up.wait(timeout)

    def moved(self, topic: str) -> None:
        with self._lock:
            self._counts[topic] += 1

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        import psycopg

        failures = 0
        while not self._stopped.is_set():
            try:
                with psycopg.connect(
                    self.url, autocommit=True, keepalives_idle=10, connect_timeout=10, application_name=CHANNEL
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    with self._lock:
                        self._epoch += 1
                        self._listening = True
                    self._up.set()
                    failures = 0
                    while not self._stopped.is_set():
                        for note in conn.notifies(timeout=CHECK_EVERY):
                            topic = TOPICS.get(note.payload)
                            if topic:
                                self.moved(topic)
                        conn.execute("SELECT 1")
            except Exception as error:  # whatever the driver raises for a lost connection
                if failures == 0:
                    log.warning("change feed: not listening (%s); reading the database on every call", error)
            finally:
                self._up.clear()
                with self._lock:
                    self._listening = False
            self._stopped.wait(RETRY_AFTER[min(failures, len(RETRY_AFTER) - 1)])
            failures += 1


_feeds: dict[tuple[int, str], ChangeFeed] = {}
_feeds_lock = threading.Lock()


def _feed_for(url: str) -> ChangeFeed:
    """This process's feed for `url`: a forked worker starts its own (a thread does not survive a fork)."""
    key = (os.getpid(), url)
    feed = _feeds.get(key)
    if feed is None:
        with _feeds_lock:
            feed = _feeds.get(key) or _feeds.setdefault(key, ChangeFeed(url))
    return feed


def _listen_url(app) -> str | None:
    if not app.config.get("CHANGE_FEED", True):
        return None
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _current_feed() -> ChangeFeed | None:
    from flask import current_app

    url = current_app.extensions.get("toso.change_feed_url", False)
    if url is False:
        url = current_app.extensions.setdefault("toso.change_feed_url", _listen_url(current_app))
    return _feed_for(url) if url else None


def generation(topic: str) -> Hashable | None:
    """A token that changes whenever rows of `topic` may have changed; None when this process cannot tell."""
    feed = _current_feed()
    return feed.generation(topic) if feed else None


def wait_listening(timeout: float = 10.0) -> bool:
    """Whether this process hears the current app's database (waiting up to `timeout` for it)."""
    feed = _current_feed()
    return bool(feed) and feed.wait_listening(timeout)


def remembered(topic: str, key: Hashable, read: Callable[[], object], size: int = 64):
    """`read()`, kept by this worker (under `key`) until rows of `topic` change."""
    cache = app_cache(f"toso.remembered.{topic}", size)
    seen = generation(topic)
    if seen is not None:
        kept = cache.get(key)
        if kept is not None and kept[0] == seen:
            return kept[1]
    value = read()
    if seen is not None:
        cache.put(key, (seen, value))
    return value


def stop_listening() -> None:
    """Close this process's listening connections (before a test drops its database)."""
    with _feeds_lock:
        for (pid, _url), feed in list(_feeds.items()):
            if pid == os.getpid():
                feed.stop()
                del _feeds[(pid, _url)]


def _move_locally(topic: str) -> None:
    for (pid, _url), feed in list(_feeds.items()):
        if pid == os.getpid():
            feed.moved(topic)


@event.listens_for(Engine, "after_cursor_execute")
def _note_write(conn, _cursor, statement, _parameters, context, _executemany) -> None:
    """A write to a watched table moves its topic in this process now, and again when it commits:
    whatever this process reads in between is not kept past the commit."""
    compiled = context.compiled if context is not None else None
    if compiled is None or isinstance(compiled.statement, TextClause):  # text() and driver-level SQL
        written = _RAW_WRITE.match(statement)
        table = written and written.group(1).strip('"').lower()
    elif context.isinsert or context.isupdate or context.isdelete:
        table = getattr(getattr(compiled.statement, "table", None), "name", None)
    else:
        return  # a compiled SELECT: every read passes here, so nothing more is done for it
    topic = TOPICS.get(table)
    if topic:
        _move_locally(topic)
        conn.info.setdefault("toso.moved_topics", set()).add(topic)


@event.listens_for(Engine, "commit")
def _moved_at_commit(conn) -> None:
    for topic in conn.info.pop("toso.moved_topics", ()):
        _move_locally(topic)


@event.listens_for(Engine, "rollback")
def _nothing_moved(conn) -> None:
    conn.info.pop("toso.moved_topics", None)
