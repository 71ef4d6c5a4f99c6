import marshmallow as ma
from flask_babel import gettext as _

from server.auth.scope import Ability
from server.privacy import is_citizen_id_field
from server.residents import services
from server.residents.access_log import ACTIONS, list_accesses
from server.residents.batch import MAX_BATCH, record_resident_batch
from server.residents.export import export_resident
from server.residents.models import GENDERS

from .access import SIGNED_IN, access, current_scope
from .fields import Name, PageArgs, PageSchema, Phone, UnitCode
from .smorest import Blueprint

blp = Blueprint("residents", __name__, description="Residents a team serves: minimal personal data, with consent")

LANGUAGE_CODE = ma.validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class ResidentSchema(ma.Schema):
    id = ma.fields.UUID()
    unit = ma.fields.Function(lambda r: r.unit.code)
    name = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    gender = ma.fields.String(allow_none=True)
    household = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    consent = ma.fields.Boolean()
    consent_at = ma.fields.AwareDateTime(allow_none=True)
    merged_into = ma.fields.UUID(attribute="merged_into_id", allow_none=True)
    erased = ma.fields.Function(lambda r: r.erased_at is not None)
    created_at = ma.fields.AwareDateTime()


class ResidentDetailSchema(ResidentSchema):
    possible_duplicates = ma.fields.List(
        ma.fields.UUID(), metadata={"description": "residents of the same village and birth year with a similar name"}
    )


class ResidentCreateSchema(ma.Schema):
    id = ma.fields.UUID(required=True, metadata={"description": "made by the phone, so it can be sent offline"})
    unit = UnitCode(required=True, metadata={"description": "the village"})
    consent = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "the resident agreed to ToSo keeping their name and contact; without it only "
            "birth year, gender, languages and village are kept"
        },
    )
    consent_at = ma.fields.AwareDateTime(load_default=None)
    name = Name(load_default=None, allow_none=True)
    birth_year = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1900, max=2100))
    gender = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.OneOf(GENDERS))
    household = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(min=1, max=120),
        metadata={"example": "Hộ ông Sùng Mí Chá"},
    )
    phone = Phone(load_default=None, allow_none=True)
    languages = ma.fields.List(
        ma.fields.String(validate=LANGUAGE_CODE),
        load_default=list,
        validate=ma.validate.Length(max=10),
        metadata={"example": ["vi", "hmn"]},
    )

    @ma.pre_load
    def refuse_citizen_id_fields(self, data, **kwargs):
        if isinstance(data, dict):
            fields = [key for key in data if isinstance(key, str) and is_citizen_id_field(key)]
            if fields:
                raise ma.ValidationError({key: [_("ToSo never stores citizen ID numbers.")] for key in fields})
        return data


class ResidentBatchSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Raw(metadata={"description": "a ResidentCreate object; each item is checked on its own"}),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_BATCH),
    )


class ResidentResultSchema(ma.Schema):
    id = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": ["created", "duplicate", "rejected"]})
    index = ma.fields.Integer(metadata={"description": "position in the batch (rejected items)"})
    reason = ma.fields.String(metadata={"enum": ["invalid", "outside_area", "conflict"]})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())


class ResidentBatchResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(ResidentResultSchema))
    created = ma.fields.Integer()
    duplicate = ma.fields.Integer()
    rejected = ma.fields.Integer()


class ResidentListArgs(PageArgs):
    unit = UnitCode(load_default=None)
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "name, diacritics optional"},
    )


class ResidentPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ResidentSchema))


class ResidentMergeSchema(ma.Schema):
    duplicate = ma.fields.UUID(required=True, metadata={"description": "the record merged into this one"})


class ExportUnitSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class ExportProfileSchema(ma.Schema):
    id = ma.fields.UUID()
    unit = ma.fields.Nested(ExportUnitSchema)
    name = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    gender = ma.fields.String(allow_none=True)
    household = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    languages = ma.fields.List(ma.fields.String())
    consent = ma.fields.Boolean()
    consent_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()
    merged_into = ma.fields.UUID(attribute="merged_into_id", allow_none=True)
    erased_at = ma.fields.AwareDateTime(allow_none=True)


class ExportActivitySchema(ma.Schema):
    id = ma.fields.UUID()
    unit = ma.fields.String(attribute="unit_code")
    service = ma.fields.String()
    action = ma.fields.String()
    outcome = ma.fields.String()
    blocker = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.AwareDateTime()
    minutes = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
    request = ma.fields.UUID(attribute="request_id", allow_none=True)
    supersedes = ma.fields.UUID(attribute="supersedes_id", allow_none=True)


class ExportRequestSchema(ma.Schema):
    id = ma.fields.UUID()
    reference = ma.fields.String()
    unit = ma.fields.Function(lambda r: r.unit.code)
    service = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)


class ExportAccessSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    action = ma.fields.String(metadata={"enum": list(ACTIONS)})
    by = ma.fields.Function(lambda e: e.user.display_name or e.user.phone)


class ExportSchema(ma.Schema):
    exported_at = ma.fields.AwareDateTime()
    resident = ma.fields.Nested(ExportProfileSchema)
    merged_records = ma.fields.List(ma.fields.Nested(ExportProfileSchema))
    activities = ma.fields.List(
        ma.fields.Nested(ExportActivitySchema),
        metadata={"description": "assistance records about the resident that you may read"},
    )
    help_requests = ma.fields.List(
        ma.fields.Nested(ExportRequestSchema),
        metadata={
            "description": "requests filed from the resident's phone or answered by their records, that you may read"
        },
    )
    access_log = ma.fields.List(ma.fields.Nested(ExportAccessSchema))


class AccessLogArgs(PageArgs):
    resident = ma.fields.UUID(load_default=None)
    user = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**31 - 1))


class AccessEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    resident = ma.fields.UUID(attribute="resident_id")
    user = ma.fields.Integer(attribute="user_id")
    user_phone = ma.fields.Function(lambda e: e.user.phone)
    action = ma.fields.String(metadata={"enum": list(ACTIONS)})
    at = ma.fields.AwareDateTime()


class AccessPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(AccessEntrySchema))


@blp.route("/residents", methods=["POST"])
@access(Ability.WORK)
@blp.arguments(ResidentCreateSchema)
@blp.response(201, ResidentDetailSchema)
@blp.alt_response(200, schema=ResidentDetailSchema, description="already stored: the same resident sent again")
def create_resident(data):
    """Register a resident of a village in your area. Never a citizen ID number; a name only with consent."""
    resident, created = services.create_resident(current_scope(), data)
    return services.resident_view(resident), 201 if created else 200


@blp.route("/residents/batch", methods=["POST"])
@access(Ability.WORK)
@blp.arguments(ResidentBatchSchema)
@blp.response(200, ResidentBatchResultSchema)
def create_residents(data):
    """Up to 500 residents made offline, answered one by one: created, duplicate (already stored,
    nothing changes) or rejected with reasons. Send them before the records that name them."""
    schema = ResidentCreateSchema()
    parsed = []
    for item in data["items"]:
        raw_id = item.get("id") if isinstance(item, dict) else None
        try:
            parsed.append((str(raw_id) if raw_id is not None else None, schema.load(item), None))
        except ma.ValidationError as error:
            messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
            parsed.append((str(raw_id) if raw_id is not None else None, None, messages))
    results = record_resident_batch(current_scope(), parsed)
    counts = {"created": 0, "duplicate": 0, "rejected": 0}
    for result in results:
        counts[result["status"]] += 1
    return {"results": results, **counts}


@blp.route("/residents")
@access(SIGNED_IN)
@blp.arguments(ResidentListArgs, location="query")
@blp.response(200, ResidentPageSchema)
def list_residents(args):
    """Residents of your area, by name (diacritics optional). Each read is written to the access log."""
    return services.list_residents(current_scope(), args["unit"], args["q"], args["cursor"], args["limit"])


@blp.route("/residents/access-log")
@access(Ability.READ_AUDIT_LOG)
@blp.arguments(AccessLogArgs, location="query")
@blp.response(200, AccessPageSchema)
def list_access_log(args):
    """Administrators: who read, exported, erased or merged residents' personal data."""
    return list_accesses(current_scope(), args["resident"], args["user"], args["cursor"], args["limit"])


@blp.route("/residents/<uuid:resident_id>")
@access(SIGNED_IN)
@blp.response(200, ResidentDetailSchema)
def get_resident(resident_id):
    """One resident, with likely duplicates flagged for a leader to merge."""
    return services.get_resident(current_scope(), resident_id)


@blp.route("/residents/<uuid:resident_id>/export")
@access(SIGNED_IN)
@blp.response(200, ExportSchema)
def export(resident_id):
    """Everything ToSo holds about the resident: profile, assistance records, access log."""
    return export_resident(current_scope(), resident_id)


@blp.route("/residents/<uuid:resident_id>", methods=["DELETE"])
@access(SIGNED_IN)
@blp.response(204)
def erase_resident(resident_id):
    """Erase the personal data (name, phone, household, notes); anonymous counts survive."""
    services.erase_resident(current_scope(), resident_id)


@blp.route("/residents/<uuid:resident_id>/withdraw-consent", methods=["POST"])
@access(SIGNED_IN)
@blp.response(200, ResidentDetailSchema)
def withdraw_consent(resident_id):
    """The resident withdraws consent: their personal data is erased."""
    return services.withdraw_consent(current_scope(), resident_id)


@blp.route("/residents/<uuid:resident_id>/merge", methods=["POST"])
@access(Ability.MANAGE)
@blp.arguments(ResidentMergeSchema)
@blp.response(200, ResidentDetailSchema)
def merge(data, resident_id):
    """Leaders: merge a duplicate record into this one. The duplicate is kept, pointing here."""
    return services.merge_residents(current_scope(), resident_id, data["duplicate"])
