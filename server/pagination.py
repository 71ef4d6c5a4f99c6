"""Keyset pagination with opaque cursors: stable under inserts, and as fast on page 1,000 as on page 1."""

import base64
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, tuple_

from .errors import InvalidInput
from .extensions import db

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(values) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != width or not all(
        isinstance(v, (str, int)) and not isinstance(v, bool) for v in values
    ):
        raise InvalidInput(_("Invalid cursor."), {"cursor": [_("Invalid cursor.")]})
    return values


def paginate(stmt: Select, order_columns, cursor: str | None, limit: int | None, key=None) -> Page:
    """`order_columns` must end with a unique column; `key(item)` gives the values of those columns."""
    limit = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    if cursor:
        stmt = stmt.where(tuple_(*order_columns) > tuple_(*decode_cursor(cursor, len(order_columns))))
    rows = db.session.scalars(stmt.order_by(*order_columns).limit(limit + 1)).unique().all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        values = key(last) if key else [getattr(last, col.key) for col in order_columns]
        next_cursor = encode_cursor(values)
    return Page(items, next_cursor)
