import marshmallow as ma

from server import spreadsheets
from server.auth.scope import Ability
from server.coverage import export, services
from server.coverage.indicators import BY_CODE, INDICATORS

from .access import access, current_scope
from .caching import kept_until_changed
from .fields import UnitCode
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("coverage", __name__, description="How far each unit's people are reached, against targets")

# Everything a coverage page reads: the counters the coverage worker keeps, units and their
# denominators, teams and their members, requests. A page is built again only when one changes.
COVERAGE_TOPICS = ("figures", "units", "teams", "users", "requests")


def _readable(code):
    services.readable_unit(current_scope(), code)


coverage_page = kept_until_changed(*COVERAGE_TOPICS, guard=_readable)

FORMATS = ("json",) + spreadsheets.FORMATS


class TargetSchema(ma.Schema):
    rate = ma.fields.Float()
    deadline = ma.fields.Date()
    unit = ma.fields.String(metadata={"description": "the unit the target was set on (this one or an ancestor)"})
    note = ma.fields.String(allow_none=True)


class FigureSchema(ma.Schema):
    indicator = ma.fields.String()
    numerator = ma.fields.Integer()
    denominator = ma.fields.Integer(allow_none=True)
    rate = ma.fields.Float(allow_none=True, metadata={"description": "null when the denominator is unknown"})
    target = ma.fields.Nested(TargetSchema, allow_none=True)


class BlockerSchema(ma.Schema):
    blocker = ma.fields.String()
    count = ma.fields.Integer()


class UnitCoverageSchema(ma.Schema):
    unit = ma.fields.Nested(UnitRefSchema)
    period = ma.fields.Function(lambda c: c.period.key)
    population = ma.fields.Integer(allow_none=True)
    households = ma.fields.Integer(allow_none=True)
    items = ma.fields.List(ma.fields.Nested(FigureSchema))
    blockers = ma.fields.List(ma.fields.Nested(BlockerSchema))


class ChildFigureSchema(FigureSchema):
    unit = ma.fields.Nested(UnitRefSchema)


class ChildrenSchema(ma.Schema):
    unit = ma.fields.Nested(UnitRefSchema)
    indicator = ma.fields.String()
    period = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(ChildFigureSchema))


class CoverageArgs(ma.Schema):
    period = ma.fields.String(
        load_default="all",
        validate=ma.validate.Length(max=10),
        metadata={"description": "2026-11, 2026-Q4, 2026 or all"},
    )
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS))


class ChildrenArgs(CoverageArgs):
    indicator = ma.fields.String(load_default="people_helped", validate=ma.validate.OneOf(list(BY_CODE)))


class SeriesArgs(ma.Schema):
    indicator = ma.fields.String(
        load_default="people_helped", validate=ma.validate.OneOf([indicator.code for indicator in INDICATORS])
    )
    months = ma.fields.Integer(load_default=12, validate=ma.validate.Range(min=1, max=36))


class SeriesPointSchema(ma.Schema):
    period = ma.fields.String()
    numerator = ma.fields.Integer()


class GapVillageSchema(ma.Schema):
    unit = ma.fields.Nested(UnitRefSchema)
    last_activity = ma.fields.AwareDateTime(allow_none=True)


class GapTeamSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)


class OverdueRequestSchema(ma.Schema):
    id = ma.fields.UUID()
    reference = ma.fields.String()
    status = ma.fields.String()
    service = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)
    resolution_due_at = ma.fields.AwareDateTime()


class UnroutedRequestSchema(ma.Schema):
    id = ma.fields.UUID()
    reference = ma.fields.String()
    status = ma.fields.String()
    service = ma.fields.String()
    unit = ma.fields.Nested(UnitRefSchema)
    created_at = ma.fields.AwareDateTime()


class GapsSchema(ma.Schema):
    unit = ma.fields.Nested(UnitRefSchema)
    since = ma.fields.AwareDateTime()
    quiet_villages = ma.fields.List(ma.fields.Nested(GapVillageSchema))
    idle_teams = ma.fields.List(ma.fields.Nested(GapTeamSchema))
    overdue_requests = ma.fields.List(ma.fields.Nested(OverdueRequestSchema))
    unrouted_requests = ma.fields.List(
        ma.fields.Nested(UnroutedRequestSchema),
        metadata={
            "description": "open requests no team serves: the area's leaders, monitors and admins assign them to a team"
        },
    )
    units_without_team = ma.fields.List(
        ma.fields.Nested(UnitRefSchema),
        metadata={
            "description": "communes with no team at all, and villages no team serves "
            "(neither their own nor their commune's)"
        },
    )
    blockers_since = ma.fields.String(metadata={"description": "the first month the blockers are counted from"})
    blockers = ma.fields.List(
        ma.fields.Nested(BlockerSchema),
        metadata={"description": "what stopped help this month and the two before, most common first"},
    )


class TargetInputSchema(ma.Schema):
    unit = UnitCode(required=True)
    indicator = ma.fields.String(required=True, validate=ma.validate.OneOf(list(BY_CODE)))
    rate = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1, min_inclusive=False)
    )
    deadline = ma.fields.Date(required=True)
    note = ma.fields.String(load_default=None, validate=ma.validate.Length(max=200))


class TargetOutSchema(TargetSchema):
    id = ma.fields.Integer()
    indicator = ma.fields.String()
    unit = ma.fields.Function(lambda t: t.unit.code)


@blp.route("/coverage/<string:code>")
@access(Ability.READ)
@coverage_page
@blp.arguments(CoverageArgs, location="query")
@blp.response(200, UnitCoverageSchema)
def unit_coverage(args, code):
    """Indicators for the unit's whole subtree in a period, with targets and blockers (`format=csv|xlsx` to export)."""
    coverage = services.unit_coverage(current_scope(), code, args["period"])
    if args["format"] != "json":
        return spreadsheets.download(args["format"], f"coverage-{code}-{args['period']}", export.unit_table(coverage))
    return coverage


@blp.route("/coverage/<string:code>/children")
@access(Ability.READ)
@coverage_page
@blp.arguments(ChildrenArgs, location="query")
@blp.response(200, ChildrenSchema)
def children_coverage(args, code):
    """One indicator for each child unit, to drill down (`format=csv|xlsx` to export)."""
    unit, rows = services.children_coverage(current_scope(), code, args["indicator"], args["period"])
    if args["format"] != "json":
        name = f"coverage-{code}-{args['indicator']}-{args['period']}"
        return spreadsheets.download(
            args["format"], name, export.children_table(unit, args["indicator"], args["period"], rows)
        )
    return {"unit": unit, "indicator": args["indicator"], "period": args["period"], "items": rows}


@blp.route("/coverage/<string:code>/series")
@access(Ability.READ)
@coverage_page
@blp.arguments(SeriesArgs, location="query")
@blp.response(200, SeriesPointSchema(many=True))
def series(args, code):
    """Monthly numerators of one indicator, oldest first, for charts."""
    return services.monthly_series(current_scope(), code, args["indicator"], args["months"])


@blp.route("/coverage/<string:code>/gaps")
@access(Ability.READ)
@coverage_page
@blp.response(200, GapsSchema)
def gaps(code):
    """Villages with no assistance and teams with no active member in the last 30 days; overdue requests;
    the most common blockers of the last three months."""
    return services.gaps(current_scope(), code)


@blp.route("/coverage-targets", methods=["PUT"])
@access(Ability.SET_TARGETS)
@blp.arguments(TargetInputSchema)
@blp.response(200, TargetOutSchema)
def set_target(data):
    """Set (or replace) the target of an indicator on a unit; admins and monitors of the area only."""
    return services.set_target(
        current_scope(), data["unit"], data["indicator"], data["rate"], data["deadline"], data["note"]
    )


@blp.route("/coverage-targets/<string:code>")
@access(Ability.READ)
@blp.response(200, TargetOutSchema(many=True))
def list_targets(code):
    """Targets that apply to the unit: its own and its ancestors'."""
    return services.list_targets(current_scope(), code)
