import marshmallow as ma

from .access import SIGNED_IN, access, current_scope
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("me", __name__, description="The signed-in user")


class RoleSchema(ma.Schema):
    id = ma.fields.Integer(allow_none=True, metadata={"description": "the grant's id; null for implicit roles"})
    role = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema, allow_none=True)


class MyTeamSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.Nested(RoleSchema))
    teams = ma.fields.List(ma.fields.Nested(MyTeamSchema))


@blp.route("/me")
@access(SIGNED_IN)
@blp.response(200, MeSchema)
def me():
    """The caller, their roles (each on a unit) and their teams. Everyone signed in is a resident."""
    scope = current_scope()
    return {
        "id": scope.user.id,
        "phone": scope.user.phone,
        "roles": [{"id": g.id, "role": g.role.value, "unit": g.unit} for g in scope.grants]
        + [{"id": None, "role": "member", "unit": m.team.unit} for m in scope.memberships]
        + [{"id": None, "role": "resident", "unit": None}],
        "teams": [m.team for m in scope.memberships],
    }
