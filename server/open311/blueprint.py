"""URL rules and thin views of /open311: parse, call one service, render JSON or XML by the suffix.

Errors here use the standard's [{code, description}] in the format asked for, not /api/v1's
problem+json: the handlers are this blueprint's own."""

import logging
import os
from datetime import datetime
from functools import partial

import marshmallow as ma
from flask import Blueprint, Flask, current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from ..errors import DomainError, Forbidden, InvalidInput
from ..extensions import db
from ..guards import HostileInput
from ..validation_messages import translate_errors
from . import reading
from .filing import Filing, file_for_partner
from .keys import find_key, record_use, require_active
from .models import PartnerKey
from .reading import VIETNAM, RequestQuery
from .render import errors, render
from .schemas import FilingSchema, RequestQuerySchema

log = logging.getLogger(__name__)
blp = Blueprint("open311", __name__, url_prefix="/open311")
FMT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+07:00"
PUBLIC, PARTNER_KEY = "public", "partner_key"
ACCESS_ATTRIBUTE = "_open311_access"


def access(rule: str):
    """Every view says who may call it; the guard below refuses a view that does not."""

    def decorate(view):
        setattr(view, ACCESS_ATTRIBUTE, rule)
        return view

    return decorate


@blp.before_request
def _deny_undeclared():
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, ACCESS_ATTRIBUTE, None) not in (PUBLIC, PARTNER_KEY):
        raise Forbidden(_("You are not allowed to do this."))


def _lang() -> str:
    return str(get_locale() or "vi")


# --- reading ------------------------------------------------------------------------------------


@blp.get(f"/discovery.{FMT}")
@access(PUBLIC)
def discovery(fmt):
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return render(
        fmt,
        "discovery",
        None,
        {
            "changeset": CHANGESET,
            "contact": current_app.config["OPEN311_CONTACT"],
            "key_service": current_app.config["OPEN311_KEY_SERVICE"],
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": f"{base}/open311/v2",
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@blp.get(f"/v2/services.{FMT}")
@access(PUBLIC)
def services(fmt):
    return render(fmt, "services", "service", reading.list_services(_lang()))


@blp.get(f"/v2/services/<string(maxlength=40):code>.{FMT}")
@access(PUBLIC)
def service_definition(code, fmt):
    return render(fmt, "service_definition", None, reading.service_definition(code))


@blp.get(f"/v2/requests.{FMT}")
@access(PUBLIC)
def list_requests(fmt):
    args = _load(RequestQuerySchema(), request.args.to_dict())
    query = RequestQuery(
        service_request_ids=args.get("service_request_id"),
        service_codes=args.get("service_code"),
        start_date=_aware(args.get("start_date")),
        end_date=_aware(args.get("end_date")),
        statuses=args.get("status"),
        jurisdiction_id=args.get("jurisdiction_id"),
    )
    return render(fmt, "service_requests", "request", reading.list_public_requests(query, _lang()))


@blp.get(f"/v2/requests/<string(maxlength=20):reference>.{FMT}")
@access(PUBLIC)
def get_request(reference, fmt):
    return render(fmt, "service_requests", "request", [reading.get_public_request(reference, _lang())])


def _aware(moment: datetime | None) -> datetime | None:
    """A date-time without an offset is Vietnam's."""
    return moment.replace(tzinfo=VIETNAM) if moment is not None and moment.tzinfo is None else moment


# --- filing -------------------------------------------------------------------------------------


@blp.post(f"/v2/requests.{FMT}")
@access(PARTNER_KEY)
def create_request(fmt):
    """Form-encoded as the standard says; JSON is accepted too. Every use of a known key is audited."""
    data = _body()
    key = find_key(data.get("api_key") if isinstance(data.get("api_key"), str) else None)
    if key is None:
        raise Forbidden(_("api_key is missing or not valid."))
    key_id, address_id = key.id, data.get("address_id") if isinstance(data.get("address_id"), str) else None
    try:
        require_active(key)
        fields = _load(FilingSchema(), data)
        for ignored in ("api_key", "jurisdiction_id"):
            fields.pop(ignored, None)
        help_request = file_for_partner(key, Filing(**fields))
    except DomainError as error:
        db.session.rollback()
        record_use(
            db.session.get(PartnerKey, key_id),
            "file",
            _status(error.status),
            address_id=address_id,
            remote_addr=request.remote_addr,
        )
        db.session.commit()
        raise
    notice = _(
        "Sent to the team of %(unit)s as request %(reference)s.",
        unit=help_request.unit.name,
        reference=help_request.reference,
    )
    record_use(key, "file", 201, help_request.id, address_id, request.remote_addr)
    answer = [{"service_request_id": help_request.reference, "service_notice": notice}]
    db.session.commit()
    return render(fmt, "service_requests", "request", answer, 201)


def _body() -> dict:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise InvalidInput(_("The request body is not valid JSON."), {})
    else:
        data = request.form.to_dict()
    if any("\x00" in str(key) + str(value) for key, value in data.items()):
        raise InvalidInput(_("Text must not contain NUL characters."), {})
    return data


def _load(schema: ma.Schema, data: dict) -> dict:
    if any("\x00" in str(value) for value in data.values()):
        raise InvalidInput(_("Text must not contain NUL characters."), {})
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        raise InvalidInput(_("Some fields are invalid."), translate_errors(error.messages))


# --- anything else under /open311, and errors -----------------------------------------------------


@blp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@access(PUBLIC)
def unknown(anything):
    """So that a wrong path or method under /open311 is answered in the standard's format too."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "open311.unknown":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise RouteNotFound()


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt or ("xml" if request.path.endswith(".xml") else "json")


def _status(status: int) -> int:
    """The standard answers 400 for any parameter it cannot accept."""
    return 400 if status == 422 else status


# The help-request service names its fields as /api/v1 does; a partner knows the standard's names.
STANDARD_FIELD_NAMES = {"unit": "address_id", "service": "service_code"}


@blp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    descriptions = [error.detail] + [
        f"{STANDARD_FIELD_NAMES.get(field, field)}: {' '.join(messages)}"
        for field, messages in (error.errors or {}).items()
    ]
    return errors(_fmt(), _status(error.status), descriptions)


@blp.errorhandler(HostileInput)  # the application's guards run before any view, for Open311 too
def _hostile_input(error: HostileInput):
    return errors(_fmt(), _status(error.status), [error.detail])


HTTP_DESCRIPTIONS = {
    404: lambda: _("Nothing exists at this address."),
    405: lambda: _("This address does not accept that method."),
    413: lambda: _("The request is too large."),
    429: lambda: _("Too many requests: try again in a minute."),
}


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    description = HTTP_DESCRIPTIONS.get(error.code, lambda: _("The request could not be completed."))()
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    if error.code == 429:
        headers["Retry-After"] = "60"
    return errors(_fmt(), error.code, [description], headers)


@blp.errorhandler(DBAPIError)  # registered here, or the application's problem+json handler would answer
def _database_error(error: DBAPIError):
    if isinstance(error, OperationalError) or error.connection_invalidated:
        log.exception("database error")
        return errors(_fmt(), 503, [_("The database is unavailable. Try again shortly.")], {"Retry-After": "30"})
    return _unexpected(error)


@blp.errorhandler(Exception)
def _unexpected(error: Exception):
    if current_app.config.get("TESTING") and not current_app.config.get("PROBLEMS_FOR_UNEXPECTED"):
        raise error
    log.exception("unexpected error on %s %s", request.method, request.path)
    return errors(_fmt(), 500, [_("Something went wrong on our side. The team has been told.")])


# --- set-up -------------------------------------------------------------------------------------


def register_open311(app: Flask) -> None:
    """The blueprint, and a rate limit per client address on the public reads (a limiter per app)."""
    env = os.environ
    app.config.setdefault("OPEN311_READ_LIMIT", env.get("OPEN311_READ_LIMIT", "120 per minute"))
    # memory:// counts per worker; with several workers point it at a shared store (e.g. redis://).
    app.config.setdefault("OPEN311_RATELIMIT_STORAGE_URI", env.get("OPEN311_RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("OPEN311_CONTACT", env.get("OPEN311_CONTACT", "ToSo"))
    app.config.setdefault(
        "OPEN311_KEY_SERVICE",
        env.get("OPEN311_KEY_SERVICE", "Keys are issued by the ToSo administrator of your province."),
    )
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=app.config["OPEN311_RATELIMIT_STORAGE_URI"], default_limits=[]
    )
    # One count per address over all the reads, not one per endpoint.
    limiter.shared_limit(
        lambda: current_app.config["OPEN311_READ_LIMIT"], scope="open311-reads", methods=["GET", "HEAD"]
    )(blp)
    _limit_this_blueprint_only(app, limiter)
    app.register_blueprint(blp)


def _limit_this_blueprint_only(app: Flask, limiter: Limiter) -> None:
    """flask-limiter hooks every request of the app; only these reads are limited, so its hooks run
    for this blueprint alone instead of costing every phone's call a tenth of a millisecond."""

    def limiters(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and limiter in hook.args)

    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        moved = [hook for hook in hooks.get(None, []) if limiters(hook)]
        if not moved:
            raise RuntimeError("flask-limiter no longer registers its hooks where expected")
        hooks[None] = [hook for hook in hooks[None] if not limiters(hook)]
        hooks.setdefault(blp.name, []).extend(moved)
