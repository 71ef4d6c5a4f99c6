"""Pooled database connections are checked before reuse only when they sat idle for a while.

`pool_pre_ping` costs a round trip on every checkout, that is on every request; under load a
connection is reused within milliseconds and cannot have been dropped unnoticed. After a quiet
spell (a database restart, a firewall dropping idle connections) the first checkout pings, and a
dead connection is replaced before any request uses it."""

import time

from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

IDLE_BEFORE_PING = 10.0  # seconds


@event.listens_for(Pool, "checkin")
def _note_checkin(_dbapi_connection, record) -> None:
    if record is not None:
        record.info["checked_in_at"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_BEFORE_PING:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # whatever the driver raises for a dead connection
        raise exc.DisconnectionError() from error
