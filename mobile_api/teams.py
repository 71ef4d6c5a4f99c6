import marshmallow as ma

from server.auth.scope import Ability
from server.emulation.trainings import skills_of
from server.teams import services

from .access import SIGNED_IN, access, current_scope
from .fields import Name, PageArgs, PageSchema, Phone, UnitCode
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("teams", __name__, description="Community digital technology teams and their members")


class MemberSchema(ma.Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String()
    display_name = ma.fields.String(allow_none=True, metadata={"description": "as the leader typed it"})
    name = ma.fields.String(
        allow_none=True,
        metadata={"description": "the name the member chose (PATCH /me), else the leader's display_name"},
    )
    created_at = ma.fields.AwareDateTime()
    skills = ma.fields.List(
        ma.fields.String(),
        dump_default=list,
        metadata={
            "description": "services trained on, and services helped with successfully at least 5 times (docs/emulation.md)"
        },
    )


class TeamSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)
    member_count = ma.fields.Function(lambda team: len(team.members))
    public_phone = ma.fields.String(
        allow_none=True,
        metadata={"description": "the number villagers may call, shown on posters and in the field app"},
    )


class TeamUpdateSchema(ma.Schema):
    public_phone = Phone(
        required=True,
        allow_none=True,
        metadata={"description": "published for villagers who cannot sign in; null removes it"},
    )


class TeamCreateSchema(ma.Schema):
    unit = UnitCode(required=True)
    name = Name(max_length=120, required=True)


class MemberCreateSchema(ma.Schema):
    phone = Phone(required=True)
    display_name = Name(max_length=120, load_default=None)


class TeamListArgs(PageArgs):
    unit = UnitCode(load_default=None)


class TeamPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(TeamSchema))


class MemberPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(MemberSchema))


@blp.route("/teams")
@access(SIGNED_IN)
@blp.arguments(TeamListArgs, location="query")
@blp.response(200, TeamPageSchema)
def list_teams(args):
    """Teams in your area, and the teams you belong to."""
    return services.list_teams(current_scope(), args["unit"], args["cursor"], args["limit"])


@blp.route("/teams", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
def create_team(data):
    """Create a team on a commune or village in your area."""
    return services.create_team(current_scope(), data["unit"], data["name"])


@blp.route("/teams/<int:team_id>")
@access(Ability.READ)
@blp.response(200, TeamSchema)
def get_team(team_id):
    return services.get_team(current_scope(), team_id)


@blp.route("/teams/<int:team_id>", methods=["PATCH"])
@access(Ability.MANAGE)
@blp.arguments(TeamUpdateSchema)
@blp.response(200, TeamSchema)
def update_team(data, team_id):
    """Leaders: publish (or withdraw) the team's public phone number."""
    return services.set_public_phone(current_scope(), team_id, data["public_phone"])


@blp.route("/teams/<int:team_id>/members")
@access(Ability.READ)
@blp.arguments(PageArgs, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args, team_id):
    """Members of a team you can see, in the order they were added, with their skills."""
    page = services.list_members(current_scope(), team_id, args["cursor"], args["limit"])
    skills = skills_of([member.phone for member in page.items])
    for view in page.items:
        view.skills = skills.get(view.phone, [])
    return page


@blp.route("/teams/<int:team_id>/members", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(MemberCreateSchema)
@blp.response(201, MemberSchema)
def add_member(data, team_id):
    """Add a member by phone number; they become a member when they sign in with it."""
    return services.add_member(current_scope(), team_id, data["phone"], data["display_name"])


@blp.route("/teams/<int:team_id>/members/<int:member_id>", methods=["DELETE"])
@access(Ability.MANAGE)
@blp.response(204)
def remove_member(team_id, member_id):
    """Remove a member from the team."""
    services.remove_member(current_scope(), team_id, member_id)
