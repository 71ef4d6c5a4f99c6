"""A web worker's memory of callers and their scopes.

A known caller is answered without a query while the worker has heard of no change to `users`
since it read the caller's row (server/change_feed.py: every scope change restamps users, below).
Otherwise the user's row is read, and the scope is reused only while its stamp is unchanged.

Loading a scope costs two queries; reading the user's row, where it is read, costs one. Every
write that can change a scope (a role grant, a team membership, a team, a unit holding a grant or
a team) gives the users concerned a fresh `users.scope_stamp` in
the same transaction (`_restamp`, on every flush), so a scope cached by one worker is dropped as
soon as any worker commits such a change. Entries are keyed by Firebase uid and must match the
user's id, phone and stamp: one user's scope is never served to another."""

from collections.abc import Hashable
from dataclasses import dataclass, replace
from itertools import chain
from uuid import uuid4

from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session

from .. import change_feed
from ..bounded_cache import BoundedCache, app_cache
from ..dbutil import attach, detached_copy
from ..roles.models import RoleGrant
from ..teams.models import Team, TeamMember
from ..units.models import Unit
from .models import User
from .scope import Scope, load_scope

MAX_ENTRIES = 20_000  # a few KB each; bounded so that a worker's memory stays flat


@dataclass(frozen=True)
class _Entry:
    user_id: int
    phone: str | None
    stamp: str
    scope: Scope  # without its user; its units and teams detached from any session
    user: User  # a detached copy of the row
    heard: Hashable | None  # the generation of `users` seen before the row was read


def _cache() -> BoundedCache:
    return app_cache("toso.scope_cache", MAX_ENTRIES)


def users_heard() -> Hashable | None:
    """Take before reading a caller's row, for `scope_of` and `known_caller`."""
    return change_feed.generation("users")


def known_caller(uid: str, phone: str | None, heard: Hashable | None) -> Scope | None:
    """The scope of a caller whose row this worker read since the last change to `users`: no query.
    None when the caller is not known so, or signs in with another number than the one kept."""
    if heard is None:
        return None
    entry = _cache().get(uid)
    if entry is None or entry.heard != heard or (phone is not None and phone != entry.phone):
        return None
    return _attached(entry.scope, attach(entry.user))


def scope_of(user: User, heard: Hashable | None = None) -> Scope:
    """The user's scope: from this worker's cache when the stamp read with the user is unchanged.

    The stamp is read before the scope is loaded, so an entry is never labelled newer than it is."""
    cache = _cache()
    key = (user.id, user.phone, user.scope_stamp)
    entry = cache.get(user.firebase_uid)
    if entry is not None and (entry.user_id, entry.phone, entry.stamp) == key:
        if heard is not None and entry.heard != heard:
            cache.put(user.firebase_uid, replace(entry, user=detached_copy(user), heard=heard))
        return _attached(entry.scope, user)
    scope = load_scope(user)
    cache.put(user.firebase_uid, _Entry(*key, scope=_detached(scope), user=detached_copy(user), heard=heard))
    return scope


def _detached(scope: Scope) -> Scope:
    """The scope without its user, its units and teams replaced by detached copies of their rows."""
    return replace(
        scope,
        user=None,
        grants=tuple(replace(g, unit=detached_copy(g.unit)) for g in scope.grants),
        memberships=tuple(
            replace(m, team=detached_copy(m.team, unit=detached_copy(m.team.unit))) for m in scope.memberships
        ),
    )


def _attached(scope: Scope, user: User) -> Scope:
    """The cached scope with this request's user, its units and teams attached to this request's session
    without a query (dbutil.attach: the copies' state is taken as the rows', which the stamp or the
    change feed vouches for)."""
    return replace(
        scope,
        user=user,
        grants=tuple(replace(g, unit=attach(g.unit)) for g in scope.grants),
        memberships=tuple(replace(m, team=attach(m.team)) for m in scope.memberships),
    )


@event.listens_for(Session, "before_flush")
def _restamp(session: Session, _context, _instances) -> None:
    """Give a fresh scope stamp to every user whose scope the pending changes touch."""
    phones: set[str] = set()
    team_ids: set[int] = set()
    unit_ids: set[int] = set()
    everyone = False
    for obj in chain(session.new, session.dirty, session.deleted):
        if not isinstance(obj, (RoleGrant, TeamMember, Team, Unit)):
            continue
        state = inspect(obj)
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, (RoleGrant, TeamMember)):
            phones.update(p for p in chain([obj.phone], state.attrs.phone.history.deleted) if p)
        elif state.key is None:
            continue  # a new team or unit is in nobody's scope until a grant or membership names it
        elif isinstance(obj, Team):
            team_ids.add(obj.id)
        else:
            unit_ids.add(obj.id)
            # A unit moved: the paths below it are rewritten in bulk, so every scope may have changed.
            everyone |= state.attrs.parent_id.history.has_changes()
    if not (phones or team_ids or unit_ids):
        return
    users = User.__table__
    stamp = update(users).values(scope_stamp=uuid4().hex)
    if not everyone:
        conditions = []
        if phones:
            conditions.append(users.c.phone.in_(sorted(phones)))
        if team_ids:
            conditions.append(users.c.phone.in_(select(TeamMember.phone).where(TeamMember.team_id.in_(team_ids))))
        if unit_ids:
            conditions.append(users.c.phone.in_(select(RoleGrant.phone).where(RoleGrant.unit_id.in_(unit_ids))))
            conditions.append(
                users.c.phone.in_(
                    select(TeamMember.phone).join(Team, TeamMember.team_id == Team.id).where(Team.unit_id.in_(unit_ids))
                )
            )
        stamp = stamp.where(or_(*conditions))
    session.connection().execute(stamp)
