"""Small database helpers that differ by dialect."""

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def insert_ignoring_conflicts(table, index_elements):
    """INSERT … ON CONFLICT DO NOTHING: lets the database, not a check-then-insert, keep rows unique."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=index_elements)


def upsert(table, index_elements, set_):
    """INSERT … ON CONFLICT (index_elements) DO UPDATE SET …; `set_(excluded)` gives the updates."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(index_elements=index_elements, set_=set_(insert.excluded))
