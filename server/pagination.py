"""Keyset pagination with opaque cursors: stable under inserts, and as fast on page 1,000 as on page 1.

The one paginator of every list. A cursor carries the sort key of the last item of a page; what it
decodes to is checked against the types of the sort columns, so a forged cursor is a 400 problem,
never a database error."""

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, literal, tuple_
from sqlalchemy.types import TypeDecorator

from .errors import InvalidInput
from .extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass
class Page:
    items: list
    next_cursor: str | None  # the next page now; null at the end
    # Where a later sync resumes: the last item's cursor (or the one given, for an empty page). Lists in
    # order of arrival (activities) hand it to phones, so that records arriving later are found after it.
    resume_cursor: str | None = None


class InvalidCursor(InvalidInput):
    def __init__(self):
        message = _("Invalid cursor.")
        super().__init__(message, {"cursor": [message]})


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode_cursor(values: Sequence) -> str:
    raw = json.dumps([_plain(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _as_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(value)


def _as_str(value):
    if isinstance(value, str):
        return value
    raise ValueError(value)


def _as_uuid(value):
    return uuid.UUID(_as_str(value))


def _as_datetime(value):
    moment = datetime.fromisoformat(_as_str(value))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


_CONVERTERS = {int: _as_int, str: _as_str, uuid.UUID: _as_uuid, datetime: _as_datetime}


def _converter(column) -> Callable:
    column_type = column.type
    python_type = (column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type).python_type
    try:
        return _CONVERTERS[python_type]
    except KeyError:
        raise TypeError(f"no cursor converter for a {python_type.__name__} sort column") from None


def decode_cursor(cursor: str, columns: Sequence) -> list:
    """The values `cursor` carries, one per sort column and of that column's type; else InvalidCursor."""
    converters = [_converter(column) for column in columns]
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(converters):
            raise ValueError(cursor)
        return [convert(value) for convert, value in zip(converters, values, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor() from None


def paginate(
    stmt: Select, order_columns: Sequence, cursor: str | None, limit: int | None, key: Callable | None = None
) -> Page:
    """`order_columns` must end with a unique column; `key(item)` gives the values of those columns
    (by default the item's attributes named after them)."""
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    if cursor:
        after = [
            literal(value, column.type)
            for column, value in zip(order_columns, decode_cursor(cursor, order_columns), strict=True)
        ]
        stmt = stmt.where(tuple_(*order_columns) > tuple_(*after))
    rows = db.session.scalars(stmt.order_by(*order_columns).limit(limit + 1)).unique().all()
    items = rows[:limit]
    if not items:
        return Page(items, None, cursor)
    last = items[-1]
    resume = encode_cursor(key(last) if key else [getattr(last, column.key) for column in order_columns])
    return Page(items, resume if len(rows) > limit else None, resume)
