import marshmallow as ma

from server.auth.scope import Ability
from server.units import services
from server.units.models import LEVELS

from .access import SIGNED_IN, access, current_scope
from .caching import kept_until_changed
from .fields import Count, Name, PageArgs, PageSchema, UnitCode
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("units", __name__, description="Administrative units (nation → province → commune → village)")


class UnitSchema(UnitRefSchema):
    kind = ma.fields.String(allow_none=True, metadata={"description": "official type, e.g. xã, phường"})
    parent = ma.fields.Function(lambda unit: unit.parent.code if unit.parent else None, allow_none=True)
    official = ma.fields.Boolean()
    population = ma.fields.Integer(allow_none=True)
    households = ma.fields.Integer(allow_none=True)
    abolished = ma.fields.Function(lambda unit: unit.abolished_at is not None)


class UnitDetailSchema(UnitSchema):
    ancestors = ma.fields.List(ma.fields.Nested(UnitRefSchema))


class UnitListArgs(PageArgs):
    parent = UnitCode(load_default=None)
    q = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=100))
    within = UnitCode(load_default=None, metadata={"description": "limit a search to this unit's subtree"})

    @ma.validates_schema
    def one_of_parent_or_q(self, data, **kwargs):
        if not data.get("parent") and not data.get("q"):
            from flask_babel import gettext as _

            raise ma.ValidationError(_("Give either parent or q."), "parent")


class UnitPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(UnitSchema))


def Population():
    return Count(allow_none=True, validate=ma.validate.Range(min=0, max=200_000_000))


def Households():
    return Count(allow_none=True, validate=ma.validate.Range(min=0, max=50_000_000))


class UnitCreateSchema(ma.Schema):
    parent = UnitCode(required=True)
    name = Name(required=True)
    level = ma.fields.String(load_default=None, validate=ma.validate.OneOf(LEVELS))
    kind = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40), metadata={"example": "thôn"})
    population = Population()
    households = Households()


class UnitUpdateSchema(ma.Schema):
    name = Name()
    population = Population()
    households = Households()


@blp.route("/units")
@access(SIGNED_IN)
@kept_until_changed("units")
@blp.arguments(UnitListArgs, location="query")
@blp.response(200, UnitPageSchema)
def list_units(args):
    """Children of `parent` (paginated), or units whose name matches `q` (diacritics optional)."""
    if args.get("q"):
        return {
            "items": services.search_units(args["q"], within=args.get("within"), limit=args["limit"]),
            "next_cursor": None,
        }
    return services.list_children(args["parent"], args["cursor"], args["limit"])


@blp.route("/units/<string:code>")
@access(SIGNED_IN)
@blp.response(200, UnitDetailSchema)
def get_unit(code):
    """One unit with its ancestors, root first."""
    return services.unit_detail(code)


@blp.route("/units", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitSchema)
def create_unit(data):
    """Add a village (or another local unit) under a unit in the caller's area."""
    return services.create_unit(current_scope(), data.pop("parent"), **data)


@blp.route("/units/<string:code>", methods=["PATCH"])
@access(Ability.MANAGE)
@blp.arguments(UnitUpdateSchema)
@blp.response(200, UnitSchema)
def update_unit(data, code):
    """Rename a local unit, or set a unit's population and households (coverage denominators)."""
    return services.update_unit(current_scope(), code, data)
