import marshmallow as ma
from flask import jsonify

from server.activities import services
from server.activities.ingest import MAX_BATCH, record_batch
from server.activities.models import ACTIONS, BLOCKERS, OUTCOMES
from server.activities.validation import MAX_MINUTES, MAX_NOTE, MAX_PEOPLE, MAX_UNIT_CODE
from server.auth.scope import Ability

from .access import SIGNED_IN, access, current_scope
from .fields import DayOrTime, PageArgs, PageSchema, UnitCode
from .smorest import Blueprint

blp = Blueprint("activities", __name__, description="Assistance records: every help given, synced exactly once")


def _documented(openapi: dict, description: str | None = None):
    """Fields of a record as the phone sends it; the values are checked by the ingest, item by item."""
    metadata = dict(openapi)
    if description:
        metadata["description"] = description
    return ma.fields.Raw(allow_none=True, metadata=metadata)


class ActivityInputSchema(ma.Schema):
    """One assistance record as the phone sends it (also each item of a batch).

    It documents the record; server.activities.validation checks each item with the same limits (its
    constants), so that a batch is answered item by item rather than refused whole."""

    class Meta:
        unknown = ma.INCLUDE  # unknown fields are answered by the ingest, with the other field errors

    id = _documented({"type": "string", "format": "uuid"}, "made by the phone; required")
    unit = _documented(
        {"type": "string", "minLength": 1, "maxLength": MAX_UNIT_CODE, "example": "00715.2"}, "the village; required"
    )
    resident = _documented({"type": "string", "format": "uuid"}, "the resident helped (sent before), or…")
    people = _documented(
        {"type": "integer", "minimum": 1, "maximum": MAX_PEOPLE}, "…the number of people in a group session"
    )
    service = _documented({"type": "string", "example": "vneid"}, "a code from GET /services; required")
    action = _documented({"type": "string", "enum": list(ACTIONS)}, "required")
    outcome = _documented({"type": "string", "enum": list(OUTCOMES)}, "required")
    blocker = _documented(
        {"type": "string", "enum": list(BLOCKERS)}, "what blocked the help; required when failed, absent when succeeded"
    )
    occurred_at = _documented({"type": "string", "format": "date-time"}, "the phone's time, with offset; required")
    minutes = _documented({"type": "integer", "minimum": 0, "maximum": MAX_MINUTES})
    note = _documented({"type": "string", "maxLength": MAX_NOTE}, "citizen ID numbers in it are masked")
    request = _documented({"type": "string", "format": "uuid"}, "the help request this answers")
    supersedes = _documented({"type": "string", "format": "uuid"}, "the record this one corrects")


class ActivitySchema(ma.Schema):
    id = ma.fields.UUID()
    unit = ma.fields.String(attribute="unit_code")
    member = ma.fields.Integer(attribute="member_id", metadata={"description": "user id of who helped"})
    resident = ma.fields.UUID(attribute="resident_id", allow_none=True)
    people = ma.fields.Integer(allow_none=True)
    service = ma.fields.String()
    action = ma.fields.String()
    outcome = ma.fields.String()
    blocker = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.AwareDateTime()
    received_at = ma.fields.AwareDateTime(metadata={"description": "when ToSo received it"})
    minutes = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
    request = ma.fields.UUID(attribute="request_id", allow_none=True)
    supersedes = ma.fields.UUID(attribute="supersedes_id", allow_none=True)


class BatchSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Raw(metadata={"description": "an ActivityInput object; each item is checked on its own"}),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BATCH),
    )


class ItemResultSchema(ma.Schema):
    id = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": ["created", "duplicate", "rejected"]})
    index = ma.fields.Integer(metadata={"description": "position in the batch (rejected items)"})
    reason = ma.fields.String(
        metadata={"enum": ["invalid", "outside_area", "conflict", "unknown_resident", "unknown_request"]}
    )
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))


class BatchResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(ItemResultSchema))
    created = ma.fields.Integer()
    duplicate = ma.fields.Integer()
    rejected = ma.fields.Integer()


class ActivityListArgs(PageArgs):
    unit = UnitCode(load_default=None, metadata={"description": "this unit and everything under it"})
    member = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["me"]))
    resident = ma.fields.UUID(load_default=None)
    service = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    action = ma.fields.String(load_default=None, validate=ma.validate.OneOf(ACTIONS))
    outcome = ma.fields.String(load_default=None, validate=ma.validate.OneOf(OUTCOMES))
    occurred_from = DayOrTime(load_default=None, data_key="from")
    occurred_to = DayOrTime(
        end_of_day=True,
        load_default=None,
        data_key="to",
        metadata={"description": "before this time; a date takes the whole day (in Vietnam)"},
    )
    since = ma.fields.AwareDateTime(load_default=None, metadata={"description": "arrived after this time"})


class ActivityPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ActivitySchema))
    resume_cursor = ma.fields.String(
        allow_none=True,
        metadata={"description": "keep it and pass it as `cursor` at the next sync to get only what arrived since"},
    )


@blp.route("/activities/batch", methods=["POST"])
@access(Ability.WORK)
@blp.arguments(BatchSchema)
@blp.response(200, BatchResultSchema)
def record_activities(data):
    """Up to 500 records, answered one by one: created, duplicate (already stored, nothing changes) or
    rejected with reasons. Valid records are kept even when others are rejected."""
    results = record_batch(current_scope(), data["items"]).results
    counts = {"created": 0, "duplicate": 0, "rejected": 0}
    for result in results:
        counts[result["status"]] += 1
    # The answers are already plain JSON values shaped as BatchResultSchema documents them; dumping
    # 500 of them through marshmallow again cost a tenth of a batch.
    return jsonify({"results": results, **counts})


@blp.route("/activities", methods=["POST"])
@access(Ability.WORK)
@blp.arguments(ActivityInputSchema)
@blp.response(201, ActivitySchema)
@blp.alt_response(200, schema=ActivitySchema, description="already stored: the same record sent again")
def record_activity(data):
    """One record. The same record sent again is answered 200; another record with its id, 409."""
    activity, created = services.record_activity(current_scope(), data)
    return activity, 201 if created else 200


@blp.route("/activities")
@access(SIGNED_IN)
@blp.arguments(ActivityListArgs, location="query")
@blp.response(200, ActivityPageSchema)
def list_activities(args):
    """Records in your area, in order of arrival; `since` or a kept `resume_cursor` for phone sync."""
    cursor, limit = args.pop("cursor"), args.pop("limit")
    args["mine"] = args.pop("member") == "me"
    return services.list_activities(current_scope(), services.ActivityFilters(**args), cursor, limit)
