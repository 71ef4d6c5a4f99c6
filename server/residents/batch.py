"""Residents made on a phone with no network, sent later in one batch: each answered for itself,
each stored exactly once (the phone's id decides), like the assistance records' batch."""

from ..auth.scope import Scope
from ..errors import Conflict, DomainError, Forbidden, NotFound
from .services import create_resident

MAX_BATCH = 500
CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"
INVALID, OUTSIDE_AREA, CONFLICT = "invalid", "outside_area", "conflict"


def record_resident_batch(scope: Scope, items: list[tuple[str | None, dict | None, dict | None]]) -> list[dict]:
    """`items` are (id as sent, parsed fields or None, field errors or None), in the order sent.

    A rejected item changes nothing: every check of create_resident runs before its one INSERT,
    so one item's failure never undoes or blocks another's."""
    results = []
    for index, (raw_id, data, errors) in enumerate(items):
        if errors:
            results.append(_rejected(index, raw_id, INVALID, errors))
            continue
        try:
            _resident, created = create_resident(scope, data)
        except DomainError as error:
            results.append(_rejected(index, raw_id, _reason(error), _errors_of(error)))
        else:
            results.append({"id": str(data["id"]), "status": CREATED if created else DUPLICATE})
    return results


def _reason(error: DomainError) -> str:
    if isinstance(error, Forbidden):
        return OUTSIDE_AREA
    if isinstance(error, Conflict):
        return CONFLICT
    return INVALID


def _errors_of(error: DomainError) -> dict:
    if error.errors:
        return error.errors
    return {"unit" if isinstance(error, (Forbidden, NotFound)) else "id": [error.detail]}


def _rejected(index: int, raw_id, reason: str, errors: dict) -> dict:
    return {"id": raw_id, "status": REJECTED, "index": index, "reason": reason, "errors": errors}
