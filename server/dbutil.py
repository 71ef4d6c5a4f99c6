"""Small database helpers that differ by dialect."""

import zlib

from sqlalchemy import JSON, Boolean, DateTime, Integer, LargeBinary, String, Uuid, any_, bindparam, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

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


def in_values(column, values):
    """`column IN (…)`; on PostgreSQL `column = ANY(array)`, one parameter however many values
    (psycopg re-parses a statement with hundreds of placeholders on every call)."""
    values = list(values)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


_ARRAY_TYPES = (
    (Uuid, "uuid"),
    (Boolean, "boolean"),
    (Integer, "bigint"),
    (DateTime, "timestamptz"),
    (LargeBinary, "bytea"),
    (String, "text"),
    (JSON, "jsonb"),
)


def insert_new_rows(table, rows: list[dict], key: str | tuple[str, ...]) -> set:
    """Inserts the rows whose `key` is not taken yet, in one statement; returns the keys inserted
    (values for a one-column key, tuples for a composite one).

    Rows whose key exists (or is being inserted by a concurrent transaction that then commits) are
    skipped by the database. On PostgreSQL a few rows travel as one array per column through
    unnest(), so the statement has a fixed text and a handful of parameters; many are staged by
    COPY (`STAGED_FROM`)."""
    if not rows:
        return set()
    columns = (key,) if isinstance(key, str) else key
    if db.session.get_bind().dialect.name != "postgresql":
        stmt = insert_ignoring_conflicts(table, list(columns)).returning(*(table.c[c] for c in columns))
        found = db.session.execute(stmt, rows).all()
    else:
        found = _postgresql_insert(table, rows, columns, "DO NOTHING", columns).all()
    return {row[0] if isinstance(key, str) else tuple(row) for row in found}


def insert_new_row(table, key: str, values: dict) -> bool:
    """INSERT one row unless its `key` is taken; True if this call inserted it."""
    return bool(insert_new_rows(table, [values], key))


def add_to_rows(table, rows: list[dict], key: tuple[str, ...], amount: str) -> None:
    """Adds each row's `amount` to the stored row with its key, creating the rows that are missing."""
    rows = [row for row in rows if row[amount]]
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        column = table.c[amount]
        db.session.execute(upsert(table, list(key), lambda excluded: {amount: column + excluded[amount]}), rows)
        return
    _postgresql_insert(table, rows, key, f"DO UPDATE SET {amount} = {table.name}.{amount} + EXCLUDED.{amount}")


def replace_rows(table, rows: list[dict], key: tuple[str, ...]) -> None:
    """Stores the rows, replacing the other columns of those whose key exists, in one statement.

    Rows are written in the order given: callers that may run at the same time pass them sorted, so
    two transactions lock shared rows in the same order and never deadlock on them."""
    if not rows:
        return
    others = [name for name in rows[0] if name not in key]
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(upsert(table, list(key), lambda excluded: {n: excluded[n] for n in others}), rows)
        return
    _postgresql_insert(table, rows, key, "DO UPDATE SET " + ", ".join(f"{name} = EXCLUDED.{name}" for name in others))


def insert_and_lock(table, rows: list[dict], key: tuple[str, ...]) -> None:
    """Inserts the rows whose key is missing and, on PostgreSQL, locks every row with their keys
    until commit (INSERT … ON CONFLICT DO UPDATE that changes nothing), in the order given.

    A row lock lives in the row, not in the server's lock table: a transaction may hold thousands.
    A second transaction locking the same key waits for the first to commit, then reads what it wrote."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(insert_ignoring_conflicts(table, list(key)), rows)
        return
    _postgresql_insert(table, rows, key, f"DO UPDATE SET {key[0]} = EXCLUDED.{key[0]}")


# From this many rows on, they travel by COPY into a temporary table rather than as arrays: psycopg
# builds array parameters value by value in Python (60,000 marks: 0.45 s), COPY in C (0.03 s).
STAGED_FROM = 200


def _postgresql_insert(table, rows: list[dict], key, action: str, returning=()):
    """INSERT … SELECT … ON CONFLICT (key) action, in the order of the rows given; small sets as one
    array per column through unnest(), large ones staged by COPY."""
    names = list(rows[0])
    if len(rows) < STAGED_FROM:
        arrays = ", ".join(f"CAST(:{name} AS {_array_type(table.c[name].type)}[])" for name in names)
        source = f"unnest({arrays}) WITH ORDINALITY AS given ({', '.join(names)}, ordinality)"
        parameters = _arrays(rows)
    else:
        source, parameters = f"{_stage(table, rows, names)} AS given", {}
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {', '.join(names)} FROM {source} "
        f"ORDER BY ordinality ON CONFLICT ({', '.join(key)}) {action}"
    )
    return db.session.execute(text(sql + (f" RETURNING {', '.join(returning)}" if returning else "")), parameters)


def staging_name(prefix: str, table, names) -> str:
    """A per-connection temporary table's name for these columns of `table`, as they are defined now:
    a connection opened before a migration changed one of them does not reuse its old table."""
    definition = ", ".join(f"{name} {table.c[name].type}" for name in names)
    return f"{prefix}_{table.name}_{zlib.crc32(definition.encode()):08x}"


def _stage(table, rows: list[dict], names: list[str]) -> str:
    """Copies the rows into this connection's staging table for `table` and these columns (created
    on first use, emptied at each use and at commit), numbered in the order given; returns its name."""
    columns = ", ".join(names)
    staging = staging_name("staged", table, names)
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
            f"SELECT {columns}, 0::bigint AS ordinality FROM {table.name} WITH NO DATA; DELETE FROM {staging}"
        )
        with cursor.copy(f"COPY {staging} ({columns}, ordinality) FROM STDIN") as copy:
            for number, row in enumerate(rows):
                copy.write_row([*(row[name] for name in names), number])
    return staging


def _arrays(rows: list[dict]) -> dict:
    return {name: [row[name] for row in rows] for name in rows[0]}


def _array_type(column_type) -> str:
    impl = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
    for python_type, sql in _ARRAY_TYPES:
        if isinstance(impl, python_type):
            return sql
    raise TypeError(f"no array type for {column_type!r}")


def detached_copy(obj, **related):
    """A detached copy holding the row's columns and only the `related` objects given, for a worker to
    keep past its session and merge (load=False) into a later one: nothing else (a unit's parent, say)
    rides along into that session, where it would stand in the identity map for a row nobody checked."""
    mapper = inspect(obj).mapper
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    for key, value in related.items():
        set_committed_value(copy, key, value)
    make_transient_to_detached(copy)
    return copy


def attach(copy):
    """A kept `detached_copy` in this request's session, without a query: merged, unless the session's own
    instance of that row carries changes not yet flushed, which the copy must not overwrite."""
    present = db.session.identity_map.get(inspect(copy).key)
    if present is not None and inspect(present).modified:
        return present
    return db.session.merge(copy, load=False)
