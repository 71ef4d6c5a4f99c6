"""Storing assistance records sent by phones: each exactly once, each answered for itself.

`record_batch` is the one ingest path (single records use it too). It runs a fixed handful of
queries whatever the batch size, and the database's unique key, not a check-then-insert,
decides which copy of a record is stored. Coverage is counted afterwards by the coverage worker
(server/coverage/worker.py), so a phone's sync never waits for aggregates."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.scope import Ability, Scope
from ..dbutil import in_values, insert_new_rows
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
    for index, item in enumerate(items):
        parsed, errors = parse_activity(item, member_id, now)
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
    accepted = _check_residents(accepted, work_paths, results)
    accepted = _check_superseded(accepted, work_paths, results)
    accepted = _check_requests(accepted, scope, results)

    rows = [_row(parsed, member_id, unit, now) for _index, parsed, unit in accepted]
    # Records already stored are answered from their hashes without an INSERT, so a re-send costs
    # one read. The INSERT still decides: a record stored meanwhile by a concurrent request is
    # skipped by the database and answered from a second read.
    existing = _stored_hashes([row["id"] for row in rows])
    inserted = _insert([row for row in rows if row["id"] not in existing])
    existing |= _stored_hashes([row["id"] for row in rows if row["id"] not in existing and row["id"] not in inserted])
    created = []
    for (index, parsed, _unit), row in zip(accepted, rows, strict=True):
        if parsed.id in inserted:
            results[index] = {"id": str(parsed.id), "status": CREATED}
            created.append(row)
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
    kept = []
    for index, parsed in accepted:
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
        elif not is_within(unit.path, work_paths):
            results[index] = _rejected(
                index, str(parsed.id), OUTSIDE_AREA, {"unit": [_("This village is outside the area where you work.")]}
            )
        else:
            kept.append((index, parsed, unit))
    return kept


def _check_residents(accepted, work_paths, results):
    ids = {parsed.resident for _i, parsed, _u in accepted if parsed.resident is not None}
    paths = (
        dict(
            db.session.execute(
                select(Resident.id, Unit.path)
                .join(Unit, Resident.unit_id == Unit.id)
                .where(in_values(Resident.id, ids))
            ).all()
        )
        if ids
        else {}
    )
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


def _check_superseded(accepted, work_paths, results):
    """A correction may name a record not yet arrived; one that has arrived must be in the member's area."""
    ids = {parsed.supersedes for _i, parsed, _u in accepted if parsed.supersedes is not None}
    if not ids:
        return accepted
    paths = dict(db.session.execute(select(Activity.id, Activity.unit_path).where(in_values(Activity.id, ids))).all())
    kept = []
    for index, parsed, unit in accepted:
        path = paths.get(parsed.supersedes)
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


def _insert(rows: list[dict]) -> set:
    """One multi-row INSERT … ON CONFLICT DO NOTHING; gives back the ids this call stored."""
    # Rows in id order: concurrent batches sharing records then wait on each other in the same
    # order and cannot deadlock.
    return insert_new_rows(Activity.__table__, sorted(rows, key=lambda row: row["id"]), "id")


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
