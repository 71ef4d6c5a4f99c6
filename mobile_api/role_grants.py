import marshmallow as ma

from server.auth.scope import Ability
from server.roles import services
from server.roles.models import Role

from .access import access, current_scope
from .fields import PageArgs, PageSchema, Phone, UnitCode
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("role_grants", __name__, description="Roles granted on units")


class GrantSchema(ma.Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String()
    role = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)
    created_at = ma.fields.AwareDateTime()


class GrantCreateSchema(ma.Schema):
    phone = Phone(required=True, metadata={"example": "+84912345678"})
    role = ma.fields.Enum(Role, by_value=True, required=True)
    unit = UnitCode(required=True)


class GrantListArgs(PageArgs):
    unit = UnitCode(load_default=None)


class GrantPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(GrantSchema))


@blp.route("/role-grants", methods=["POST"])
@access(Ability.GRANT)
@blp.arguments(GrantCreateSchema)
@blp.response(201, GrantSchema)
def create_grant(data):
    """Grant a role on a unit inside your area, never above your own role. The person may not have signed in yet."""
    return services.grant_role(current_scope(), data["phone"], data["role"], data["unit"])


@blp.route("/role-grants")
@access(Ability.VIEW)
@blp.arguments(GrantListArgs, location="query")
@blp.response(200, GrantPageSchema)
def list_grants(args):
    """Grants on units in your area."""
    return services.list_grants(current_scope(), args["unit"], args["cursor"], args["limit"])


@blp.route("/role-grants/<int:grant_id>", methods=["DELETE"])
@access(Ability.GRANT)
@blp.response(204)
def delete_grant(grant_id):
    """Revoke a grant in your area, not above your own role."""
    services.revoke_grant(current_scope(), grant_id)
