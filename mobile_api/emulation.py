import marshmallow as ma

from server.auth.scope import Ability
from server.emulation import trainings
from server.emulation.criteria import formula_text
from server.emulation.ranking import MEMBERS, TEAMS, ranking_for
from server.emulation.report import FORMATS, download

from .access import SIGNED_IN, access, current_scope
from .fields import Name, Phone, UnitCode
from .schemas_common import UnitRefSchema
from .smorest import Blueprint

blp = Blueprint("emulation", __name__, description="Emulation rankings (thi đua) and trainings (tập huấn)")


class EmulationArgs(ma.Schema):
    period = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=10),
        metadata={"description": "a month 2026-11, a quarter 2026-Q4 or a year 2026 (Vietnam's calendar)"},
    )
    of = ma.fields.String(load_default=MEMBERS, validate=ma.validate.OneOf((MEMBERS, TEAMS)))
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json",) + FORMATS))


# A province ranks 6,000 members: items are built as plain dicts by the service (Entry.as_item), since
# a schema per item and criterion cost more than computing the ranking. Their shape, for the document:
ITEM = {
    "type": "object",
    "properties": {
        "rank": {"type": "integer", "description": "equal scores share a rank"},
        "member": {"type": "object", "description": "of=members: {id (the membership), name, team: {id, name}}"},
        "team": {"type": "object", "description": "of=teams: {id, name, unit: {code, name}}"},
        "score": {"type": "number"},
        "criteria": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "value": {
                        "type": "number",
                        "nullable": True,
                        "description": "null when it cannot be known (no population, too few ratings)",
                    },
                    "points": {"type": "number"},
                },
            },
        },
    },
}


class RankingSchema(ma.Schema):
    unit = ma.fields.Nested(UnitRefSchema)
    period = ma.fields.Function(lambda r: r.period.key)
    of = ma.fields.String()
    formula = ma.fields.Function(lambda _r: formula_text())
    criteria = ma.fields.Function(
        lambda r: [{"code": c.code, "label": c.label(_language()), "weight": c.weight} for c in r.criteria],
        metadata={
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "label": {"type": "string"}, "weight": {"type": "number"}},
            },
        },
    )
    items = ma.fields.Function(
        lambda r: [entry.as_item() for entry in r.items], metadata={"type": "array", "items": ITEM}
    )


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale())


@blp.route("/emulation/<string:code>")
@access(SIGNED_IN)
@blp.arguments(EmulationArgs, location="query")
@blp.response(200, RankingSchema)
def emulation(args, code):
    """Members or teams of the unit's area ranked for a period, with each criterion's value and points
    (`format=xlsx|pdf` for the review meeting). Leaders see their commune, monitors and admins their
    area, a member their own team."""
    ranking = ranking_for(current_scope(), code, args["period"], args["of"])
    if args["format"] != "json":
        return download(args["format"], ranking)
    return ranking


class TrainingInputSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "made by the client"})
    unit = UnitCode(required=True)
    title = Name(max_length=200, required=True)
    held_on = ma.fields.Date(required=True)
    services = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        load_default=list,
        validate=ma.validate.Length(max=20),
    )
    trainer = Name(max_length=120, load_default=None)


class AttendeeSchema(ma.Schema):
    phone = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class TrainingSchema(ma.Schema):
    id = ma.fields.UUID()
    unit = ma.fields.Nested(UnitRefSchema)
    title = ma.fields.String()
    held_on = ma.fields.Date()
    services = ma.fields.List(ma.fields.String())
    trainer = ma.fields.String(allow_none=True)
    attendance = ma.fields.List(ma.fields.Nested(AttendeeSchema))


class AttendanceInputSchema(ma.Schema):
    phones = ma.fields.List(Phone(), required=True, validate=ma.validate.Length(min=1, max=500))


class TrainingListArgs(ma.Schema):
    unit = UnitCode(required=True)
    # `from` is a Python keyword: the field is named from_ and read as "from".
    from_ = ma.fields.Date(data_key="from", load_default=None)
    to = ma.fields.Date(load_default=None)


class TrainingListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TrainingSchema))


@blp.route("/trainings", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(TrainingInputSchema)
@blp.response(201, TrainingSchema)
@blp.alt_response(200, schema=TrainingSchema, description="already stored: the same training sent again")
def create_training(data):
    """Record a training held for the teams of a unit; team leaders and administrators of the area.
    Sending the same training again answers 200 and changes nothing."""
    training, created = trainings.create_training(
        current_scope(), data["id"], data["unit"], data["title"], data["held_on"], data["services"], data["trainer"]
    )
    return training, 201 if created else 200


@blp.route("/trainings/<uuid:training_id>/attendance", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(AttendanceInputSchema)
@blp.response(200, TrainingSchema)
def record_attendance(data, training_id):
    """Add the members who attended (by phone; each must belong to a team of the area); repeatable."""
    return trainings.record_attendance(current_scope(), training_id, data["phones"])


@blp.route("/trainings")
@access(SIGNED_IN)
@blp.arguments(TrainingListArgs, location="query")
@blp.response(200, TrainingListSchema)
def list_trainings(args):
    """Trainings held in the unit's area between `from` and `to` (inclusive), newest first, with attendance."""
    return {"items": trainings.list_trainings(current_scope(), args["unit"], args["from_"], args["to"])}
