"""A web worker's memory of callers' scopes, reused only while the user's scope stamp is unchanged.

Loading a scope costs two queries on every authenticated call; reading the user's row costs one
and is needed anyway. Every write that can change a scope (a role grant, a team membership, a
team, a unit holding a grant or a team) gives the users concerned a fresh `users.scope_stamp` in
the same transaction (`_restamp`, on every flush), so a scope cached by one worker is dropped as
soon as any worker commits such a change. Entries are keyed by Firebase uid and must match the
user's id, phone and stamp: one user's scope is never served to another."""

from dataclasses import dataclass, replace
from itertools import chain
from uuid import uuid4

from sqlalchemy import event, inspect, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..bounded_cache import BoundedCache, app_cache
from ..extensions import db
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


def _cache() -> BoundedCache:
    return app_cache("toso.scope_cache", MAX_ENTRIES)


def scope_of(user: User) -> Scope:
    """The user's scope: from this worker's cache when the stamp read with the user is unchanged.

    The stamp is read before the scope is loaded, so an entry is never labelled newer than it is."""
    cache = _cache()
    key = (user.id, user.phone, user.scope_stamp)
    entry = cache.get(user.firebase_uid)
    if entry is not None and (entry.user_id, entry.phone, entry.stamp) == key:
        return _attached(entry.scope, user)
    scope = load_scope(user)
    cache.put(user.firebase_uid, _Entry(*key, scope=_detached(scope)))
    return scope


def _detached(scope: Scope) -> Scope:
    """The scope without its user, its units and teams replaced by detached copies of their rows."""
    return replace(
        scope,
        user=None,
        grants=tuple(replace(g, unit=_row_copy(g.unit)) for g in scope.grants),
        memberships=tuple(replace(m, team=_row_copy(m.team, unit=_row_copy(m.team.unit))) for m in scope.memberships),
    )


def _row_copy(obj, **related):
    """A detached copy holding the row's columns and only the `related` objects given: nothing else
    (a unit's parent, say) rides along into a later request's session, where it would stand in the
    identity map for a row whose writes do not change this user's stamp."""
    mapper = inspect(obj).mapper
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    for key, value in related.items():
        set_committed_value(copy, key, value)
    make_transient_to_detached(copy)
    return copy


def _attached(scope: Scope, user: User) -> Scope:
    """The cached scope with this request's user, its units and teams merged into this request's session
    (without a query: merge(load=False) takes the copies' state as the rows' state, which the stamp vouches for)."""
    merge = db.session.merge
    return replace(
        scope,
        user=user,
        grants=tuple(replace(g, unit=merge(g.unit, load=False)) for g in scope.grants),
        memberships=tuple(replace(m, team=merge(m.team, load=False)) for m in scope.memberships),
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
