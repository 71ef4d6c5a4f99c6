"""Storing assistance records sent by phones: each exactly once, each answered for itself.

`record_batch` is the one ingest path (single records use it too). It runs a fixed handful of
queries whatever the batch size, and the database's unique key, not a check-then-insert,
decides which copy of a record is stored. On PostgreSQL the rows go once, by binary COPY, into a
temporary table that the look-up and the INSERT … SELECT read (`CopiedRows`); SQLite sends them as
parameters (`Rows`); both answer through the same checks. Coverage is counted afterwards by the coverage worker
(server/coverage/worker.py), so a phone's sync never waits for aggregates."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, String, Uuid, select, text

from ..auth.scope import Ability, Scope
from ..content.catalogue import known_service_codes
from ..dbutil import in_values, insert_new_rows, staging_name
from ..errors import shown
from ..extensions import db
from ..residents.models import Resident
from ..types import utcnow
from ..units.models import Unit
from ..units.paths import is_within
from .models import Activity
from .validation import ParsedActivity, parse_activity, raw_id

MAX_BATCH = 500
UNIT_LEVELS = frozenset({"commune", "village", "group"})

CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"
# Why an item was rejected, for the phone to act on.
INVALID, OUTSIDE_AREA, CONFLICT = "invalid", "outside_area", "conflict"
UNKNOWN_RESIDENT, UNKNOWN_REQUEST = "unknown_resident", "unknown_request"


@dataclass
class BatchOutcome:
    results: list[dict]
    created: list[dict] = field(default_factory=list)  # the rows inserted by this call


def record_batch(scope: Scope, items: list) -> BatchOutcome:
    """Validates each item, stores the valid new ones in one statement, answers item by item."""
    member_id = scope.user.id
    now = utcnow()
    results: list[dict | None] = [None] * len(items)
    first_index: dict = {}  # record id -> index of its first occurrence in the batch
    first_hash: dict = {}
    repeats: list[tuple[int, ParsedActivity]] = []
    accepted: list[tuple[int, ParsedActivity]] = []
    services = known_service_codes()
    for index, item in enumerate(items):
        parsed, errors = parse_activity(item, member_id, now, services)
        if errors:
            results[index] = _rejected(index, raw_id(item), INVALID, errors)
        elif parsed.id in first_index:
            repeats.append((index, parsed))
        else:
            first_index[parsed.id] = index
            first_hash[parsed.id] = parsed.content_hash
            accepted.append((index, parsed))

    work_paths = scope.paths(Ability.WORK)
    accepted = _check_units(accepted, work_paths, results)
    rows = {parsed.id: _row(parsed, member_id, unit, now) for _index, parsed, unit in accepted}
    # One look at what the records name (residents, corrected records) and at what is already stored:
    # records already stored are answered from their hashes without an INSERT, so a re-send costs reads.
    incoming = _incoming(list(rows.values()))
    found = incoming.look_up()
    accepted = _check_residents(accepted, found.resident_paths, work_paths, results)
    accepted = _check_superseded(accepted, found.superseded_paths, work_paths, results)
    accepted = _check_requests(accepted, scope, results)
    # The INSERT still decides: a record stored meanwhile by a concurrent request is skipped by the
    # database and answered from a second read.
    existing = found.stored
    inserted = incoming.insert({parsed.id for _i, parsed, _u in accepted} - existing.keys())
    existing |= _stored_hashes(
        [parsed.id for _i, parsed, _u in accepted if parsed.id not in existing and parsed.id not in inserted]
    )
    created = []
    for index, parsed, _unit in accepted:
        if parsed.id in inserted:
            results[index] = {"id": str(parsed.id), "status": CREATED}
            created.append(rows[parsed.id])
        elif existing.get(parsed.id) == parsed.content_hash:
            results[index] = {"id": str(parsed.id), "status": DUPLICATE}
        else:
            results[index] = _conflict(index, parsed)
    for index, parsed in repeats:
        first = results[first_index[parsed.id]]
        if first_hash[parsed.id] != parsed.content_hash:
            results[index] = _conflict(index, parsed)
        elif first["status"] == REJECTED:
            results[index] = first | {"index": index}
        else:
            results[index] = {"id": str(parsed.id), "status": DUPLICATE}
    return BatchOutcome(results, created)


def _check_units(accepted, work_paths, results):
    codes = {parsed.unit for _i, parsed in accepted}
    units = (
        {
            row.code: row
            for row in db.session.execute(
                select(Unit.id, Unit.code, Unit.path, Unit.level).where(in_values(Unit.code, codes))
            )
        }
        if codes
        else {}
    )
    # Judged once per code: a batch names a handful of villages, 500 times.
    usable = {
        code: unit for code, unit in units.items() if unit.level in UNIT_LEVELS and is_within(unit.path, work_paths)
    }
    kept = []
    for index, parsed in accepted:
        unit = usable.get(parsed.unit)
        if unit is not None:
            kept.append((index, parsed, unit))
            continue
        unit = units.get(parsed.unit)
        if unit is None:
            results[index] = _rejected(
                index,
                str(parsed.id),
                INVALID,
                {"unit": [_("No administrative unit has the code %(code)s.", code=shown(parsed.unit))]},
            )
        elif unit.level not in UNIT_LEVELS:
            results[index] = _rejected(
                index,
                str(parsed.id),
                INVALID,
                {"unit": [_("Record help in a village or a commune, not in a larger area.")]},
            )
        else:
            results[index] = _rejected(
                index, str(parsed.id), OUTSIDE_AREA, {"unit": [_("This village is outside the area where you work.")]}
            )
    return kept


def _check_residents(accepted, paths: dict, work_paths, results):
    kept = []
    for index, parsed, unit in accepted:
        # A resident outside the member's area is answered as unknown: its existence is not theirs to learn.
        if parsed.resident is not None and not is_within(paths.get(parsed.resident), work_paths):
            results[index] = _rejected(
                index,
                str(parsed.id),
                UNKNOWN_RESIDENT,
                {
                    "resident": [
                        _(
                            "This resident is not known to ToSo yet: send the resident (POST /residents) first, "
                            "then send this record again."
                        )
                    ]
                },
            )
        else:
            kept.append((index, parsed, unit))
    return kept


def _check_superseded(accepted, paths: dict, work_paths, results):
    """A correction may name a record not yet arrived; one that has arrived must be in the member's area."""
    kept = []
    for index, parsed, unit in accepted:
        path = paths.get(parsed.supersedes) if parsed.supersedes is not None else None
        if path is not None and not is_within(path, work_paths):
            results[index] = _rejected(
                index,
                str(parsed.id),
                OUTSIDE_AREA,
                {"supersedes": [_("The record to correct is outside the area where you work.")]},
            )
        else:
            kept.append((index, parsed, unit))
    return kept


def _check_requests(accepted, scope: Scope, results):
    """A record may answer only a help request the member can see: otherwise the resident's export
    would list a stranger's request. Outside that, the request is answered as unknown (no existence leak)."""
    from ..requests.models import HelpRequest
    from ..requests.services import visible_condition

    ids = {parsed.request for _i, parsed, _u in accepted if parsed.request is not None}
    if not ids:
        return accepted
    visible = set(
        db.session.scalars(select(HelpRequest.id).where(in_values(HelpRequest.id, ids), visible_condition(scope)))
    )
    kept = []
    for index, parsed, unit in accepted:
        if parsed.request is not None and parsed.request not in visible:
            results[index] = _rejected(
                index,
                str(parsed.id),
                UNKNOWN_REQUEST,
                {
                    "request": [
                        _(
                            "This help request is unknown or outside your area: send the request first, "
                            "then send this record again."
                        )
                    ]
                },
            )
        else:
            kept.append((index, parsed, unit))
    return kept


def _row(parsed: ParsedActivity, member_id: int, unit, now) -> dict:
    return {
        "id": parsed.id,
        "member_id": member_id,
        "unit_id": unit.id,
        "unit_path": unit.path,
        "resident_id": parsed.resident,
        "people": parsed.people,
        "service": parsed.service,
        "action": parsed.action,
        "outcome": parsed.outcome,
        "blocker": parsed.blocker,
        "occurred_at": parsed.occurred_at,
        "received_at": now,
        "minutes": parsed.minutes,
        "note": parsed.note,
        "request_id": parsed.request,
        "supersedes_id": parsed.supersedes,
        "content_hash": parsed.content_hash,
    }


_COPY_TYPES = (
    (Uuid, "uuid"),
    (BigInteger, "int8"),
    (Integer, "int4"),
    (String, "text"),
    (DateTime, "timestamptz"),
    (LargeBinary, "bytea"),
)


def _stored_type(column_type):
    return getattr(column_type, "impl_instance", column_type)  # a TypeDecorator stores its impl


@dataclass
class Found:
    """What the batch's records name, as stored: residents' and corrected records' unit paths, and
    the content hashes of records already stored, each keyed by its id."""

    resident_paths: dict
    superseded_paths: dict
    stored: dict


def _incoming(rows: list[dict]):
    if db.session.get_bind().dialect.name == "postgresql":
        return CopiedRows(rows)
    return Rows(rows)


class Rows:
    """The records that passed the unit check, looked up and inserted with parameters (SQLite)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def look_up(self) -> Found:
        resident_ids = {row["resident_id"] for row in self.rows if row["resident_id"] is not None}
        superseded_ids = {row["supersedes_id"] for row in self.rows if row["supersedes_id"] is not None}
        resident_paths = (
            dict(
                db.session.execute(
                    select(Resident.id, Unit.path)
                    .join(Unit, Resident.unit_id == Unit.id)
                    .where(in_values(Resident.id, resident_ids))
                ).all()
            )
            if resident_ids
            else {}
        )
        superseded_paths = (
            dict(
                db.session.execute(
                    select(Activity.id, Activity.unit_path).where(in_values(Activity.id, superseded_ids))
                ).all()
            )
            if superseded_ids
            else {}
        )
        return Found(resident_paths, superseded_paths, _stored_hashes([row["id"] for row in self.rows]))

    def insert(self, ids: set) -> set:
        """One multi-row INSERT … ON CONFLICT DO NOTHING of the rows with these ids; gives back the
        ids this call stored."""
        # Rows in id order: concurrent batches sharing records then wait on each other in the same
        # order and cannot deadlock.
        rows = sorted((row for row in self.rows if row["id"] in ids), key=lambda row: row["id"])
        return insert_new_rows(Activity.__table__, rows, "id")


# PostgreSQL: the rows are sent once, by binary COPY, into a temporary table that lives as long as
# the connection and is emptied at every commit; the look-up and the INSERT then read them there.
# COPY costs the web worker far less than 17 array parameters (psycopg builds arrays in Python).
_COLUMNS = tuple(column.name for column in Activity.__table__.columns if column.name != "aggregated")
INCOMING = staging_name("incoming", Activity.__table__, _COLUMNS)
# Binary COPY needs each column's exact PostgreSQL type (varchar travels as text).
_TYPES = tuple(
    next(name for kind, name in _COPY_TYPES if isinstance(_stored_type(Activity.__table__.c[column].type), kind))
    for column in _COLUMNS
)
_PREPARE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} (LIKE activities) ON COMMIT DELETE ROWS; DELETE FROM {INCOMING}"
)
# Subqueries per row rather than joins: the temporary table has no statistics, and each look-up is
# then one index probe whatever the planner guesses.
_LOOK_UP = f"""
SELECT i.id, i.resident_id,
       (SELECT u.path FROM residents r JOIN units u ON u.id = r.unit_id WHERE r.id = i.resident_id),
       i.supersedes_id,
       (SELECT s.unit_path FROM activities s WHERE s.id = i.supersedes_id),
       (SELECT a.content_hash FROM activities a WHERE a.id = i.id)
FROM {INCOMING} i
"""
_INSERT = f"""
INSERT INTO activities ({", ".join(_COLUMNS)})
SELECT {", ".join(f"i.{name}" for name in _COLUMNS)} FROM {INCOMING} i
WHERE i.id <> ALL(CAST(:skipped AS uuid[]))
ORDER BY i.id
ON CONFLICT (id) DO NOTHING
RETURNING id
"""


class CopiedRows(Rows):
    """The records that passed the unit check, copied into a temporary table (PostgreSQL)."""

    def __init__(self, rows: list[dict]):
        super().__init__(rows)
        if not rows:
            return
        with db.session.connection().connection.driver_connection.cursor() as cursor:
            cursor.execute(_PREPARE)  # no parameters: both statements in one round trip
            with cursor.copy(f"COPY {INCOMING} ({', '.join(_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_TYPES)
                for row in rows:
                    copy.write_row([row[name] for name in _COLUMNS])

    def look_up(self) -> Found:
        found = Found({}, {}, {})
        if not self.rows:
            return found
        for record_id, resident_id, resident_path, superseded_id, superseded_path, stored in db.session.execute(
            text(_LOOK_UP)
        ):
            if resident_path is not None:
                found.resident_paths[resident_id] = resident_path
            if superseded_path is not None:
                found.superseded_paths[superseded_id] = superseded_path
            if stored is not None:
                found.stored[record_id] = stored
        return found

    def insert(self, ids: set) -> set:
        """INSERT … SELECT of the copied rows with these ids, in id order (see Rows.insert); rows whose
        id is taken meanwhile are skipped by the database. Gives back the ids this call stored."""
        if not ids:
            return set()
        skipped = [row["id"] for row in self.rows if row["id"] not in ids]
        return set(db.session.scalars(text(_INSERT), {"skipped": skipped}))


def _stored_hashes(ids: list) -> dict:
    if not ids:
        return {}
    return dict(db.session.execute(select(Activity.id, Activity.content_hash).where(in_values(Activity.id, ids))).all())


def _rejected(index: int, record_id: str | None, reason: str, errors: dict) -> dict:
    return {"id": record_id, "status": REJECTED, "index": index, "reason": reason, "errors": errors}


def _conflict(index: int, parsed: ParsedActivity) -> dict:
    return _rejected(
        index,
        str(parsed.id),
        CONFLICT,
        {
            "id": [
                _(
                    "A different record with this id is already stored. Records cannot be edited: "
                    "send a new record that supersedes it."
                )
            ]
        },
    )
