"""Erasure beyond the resident's record: what the export calls theirs is cleared too.

Help requests filed from their phone or answered by their assistance records lose their free text
(description, preferred contact, on-behalf name, the requester's comments, rating comment and
history notes); notifications about them, which quote that text, are deleted. The anonymous facts
coverage counts (village, service, status, dates) stay.

Like the export, a staff member's erasure reaches only requests they may read: a phone number typed
by someone else proves nothing, and must not let them wipe a stranger's requests elsewhere. For the
same reason the sign-in account's whole inbox and device tokens are cleared when the resident acts
themselves, or when the account is a plain resident's (no role, no team): never a colleague's."""

from sqlalchemy import delete, select, update

from ..auth.models import User
from ..auth.scope import Scope, load_scope
from ..extensions import db
from ..notifications.models import Device, Notification
from ..requests.models import Comment, HelpRequest, Rating, RequestEvent
from .export import requests_of


def erase_linked_data(scope: Scope, own: bool, group: list, phones: set[str]) -> None:
    """Call before the resident's phone is blanked: `phones` are the numbers kept for the group."""
    from ..activities.models import Activity

    activities = list(db.session.scalars(select(Activity).where(Activity.resident_id.in_([p.id for p in group]))))
    with_phones = [_Person(person, phones) for person in group]
    requests = requests_of(scope, own, with_phones, activities)
    users = list(db.session.scalars(select(User).where(User.phone.in_(phones)))) if phones else []
    _blank_requests(requests, {user.id for user in users})
    for user in users:
        if own or not _is_staff(user):
            db.session.execute(delete(Notification).where(Notification.user_id == user.id))
            db.session.execute(delete(Device).where(Device.user_id == user.id))
    db.session.flush()


class _Person:
    """The resident as requests_of sees it, with the phone read before erasure blanks it."""

    def __init__(self, person, phones):
        self.id, self.phone = person.id, person.phone if person.phone in phones else None


def _blank_requests(requests: list, requester_ids: set[int]) -> None:
    ids = [request.id for request in requests]
    if not ids:
        return
    db.session.execute(
        update(HelpRequest)
        .where(HelpRequest.id.in_(ids))
        .values(description="", preferred_contact=None, on_behalf_name=None)
    )
    authors = {request.requester_id for request in requests} | requester_ids
    db.session.execute(
        update(Comment).where(Comment.request_id.in_(ids), Comment.author_id.in_(authors)).values(body="")
    )
    db.session.execute(update(Rating).where(Rating.request_id.in_(ids)).values(comment=None))
    # History is append-only for everyone else; the law's erasure is the one exception, done in SQL
    # so the ORM's immutability guard still stops any ordinary change.
    db.session.execute(
        update(RequestEvent.__table__)
        .where(
            RequestEvent.__table__.c.request_id.in_(ids),
            RequestEvent.__table__.c.actor_id.in_(authors),
            RequestEvent.__table__.c.note.is_not(None),
        )
        .values(note=None)
    )
    db.session.execute(delete(Notification).where(Notification.request_id.in_(ids)))
    for request in requests:
        db.session.expire(request)


def _is_staff(user: User) -> bool:
    scope = load_scope(user)
    return bool(scope.grants or scope.memberships)
