"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC and always hands back timezone-aware datetimes, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def BinaryString(length: int):
    """A string compared byte by byte, so prefix ranges over tree paths can use a B-tree index."""
    return String(length).with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
