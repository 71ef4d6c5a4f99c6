"""Granting roles: only inside the granter's own subtree, never above the granter's own role."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.scope import Ability, Scope
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..pagination import Page, paginate
from ..signals import member_changed
from ..units.models import Unit
from ..units.services import get_unit
from .models import Role, RoleGrant


def grant_role(scope: Scope, phone: str, role: Role, unit_code: str) -> RoleGrant:
    unit = get_unit(unit_code)
    scope.require(Ability.GRANT, unit)
    if role.rank > scope.highest_rank_over(unit):
        raise Forbidden(_("You cannot grant a role above your own."))
    return _add_grant(phone, role, unit, granted_by_id=scope.user.id)


def grant_role_as_administrator(phone: str, role: Role, unit_code: str) -> RoleGrant:
    """For the CLI, which runs with the deployer's authority (it makes the first admin)."""
    return _add_grant(phone, role, get_unit(unit_code), granted_by_id=None)


def _add_grant(phone: str, role: Role, unit: Unit, granted_by_id: int | None) -> RoleGrant:
    existing = db.session.scalar(
        select(RoleGrant).where(RoleGrant.phone == phone, RoleGrant.role == role, RoleGrant.unit_id == unit.id)
    )
    if existing is not None:
        raise Conflict(_("%(phone)s already has this role on %(unit)s.", phone=phone, unit=unit.name))
    grant = RoleGrant(phone=phone, role=role, unit_id=unit.id, granted_by_id=granted_by_id)
    grant.unit = unit
    db.session.add(grant)
    db.session.flush()
    if role == Role.TEAM_LEADER:
        member_changed.send(__name__, phone=phone, path=unit.path, added=True)
    return grant


def list_grants(scope: Scope, unit_code: str | None, cursor: str | None, limit: int | None) -> Page:
    stmt = select(RoleGrant).join(Unit).where(scope.condition(Ability.VIEW, Unit.path))
    if unit_code:
        stmt = stmt.where(RoleGrant.unit_id == get_unit(unit_code).id)
    return paginate(stmt, (RoleGrant.id,), cursor, limit)


def revoke_grant(scope: Scope, grant_id: int) -> None:
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(_("Not found, or outside your area."))
    scope.require_visible(scope.allows(Ability.VIEW, grant.unit))
    scope.require(Ability.GRANT, grant.unit)
    if Role(grant.role).rank > scope.highest_rank_over(grant.unit):
        raise Forbidden(_("You cannot revoke a role above your own."))
    db.session.delete(grant)
    db.session.flush()
    if grant.role == Role.TEAM_LEADER:
        member_changed.send(__name__, phone=grant.phone, path=grant.unit.path, added=False)
