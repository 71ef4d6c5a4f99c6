import marshmallow as ma

from server.auth.users import set_display_name

from .access import SIGNED_IN, access, current_scope
from .fields import Name
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
    display_name = ma.fields.String(allow_none=True, metadata={"description": "the name your team sees"})
    roles = ma.fields.List(ma.fields.Nested(RoleSchema))
    teams = ma.fields.List(ma.fields.Nested(MyTeamSchema))


class MeUpdateSchema(ma.Schema):
    display_name = Name(
        max_length=120,
        required=True,
        allow_none=True,
        metadata={"description": "the name your team and the people you help see; null clears it"},
    )


@blp.route("/me")
@access(SIGNED_IN)
@blp.response(200, MeSchema)
def me():
    """The caller, their roles (each on a unit) and their teams. Everyone signed in is a resident."""
    return _me()


@blp.route("/me", methods=["PATCH"])
@access(SIGNED_IN)
@blp.arguments(MeUpdateSchema)
@blp.response(200, MeSchema)
def update_me(data):
    """Set the name your team sees (in its member list and on the requests you take)."""
    set_display_name(current_scope().user, data["display_name"])
    return _me()


def _me():
    scope = current_scope()
    return {
        "id": scope.user.id,
        "phone": scope.user.phone,
        "display_name": scope.user.display_name,
        "roles": [{"id": g.id, "role": g.role.value, "unit": g.unit} for g in scope.grants]
        + [{"id": None, "role": "member", "unit": m.team.unit} for m in scope.memberships]
        + [{"id": None, "role": "resident", "unit": None}],
        "teams": [m.team for m in scope.memberships],
    }
