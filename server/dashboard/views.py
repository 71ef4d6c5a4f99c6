"""Monitors' pages: sign-in, their areas, and one page per unit with drill-down."""

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from ..auth.emulator import mint_emulator_token
from ..auth.scope import Scope
from ..boundary import commits
from ..errors import DomainError, InvalidInput, NotFound, Unauthenticated
from ..locale import prefer_language
from ..coverage import export
from ..coverage import services as coverage_services
from ..coverage.indicators import BY_CODE, INDICATORS
from ..coverage.services import READ_ABILITIES
from ..coverage.labels import BLOCKER_LABELS, INDICATOR_LABELS
from ..coverage.periods import ALL, period_keys
from ..types import utcnow
from ..units.models import Unit
from ..units.services import ancestors_of
from .chart import bar_chart
from .dev_sign_in import dashboard_people, dev_people
from .session import emulator_mode, end_session, session_scope, start_session

blp = Blueprint("dashboard", __name__, template_folder="templates")
ACTIVITY_CODES = {indicator.code for indicator in INDICATORS}
LANG_COOKIE = "lang"


@blp.before_request
def _language_from_cookie():
    prefer_language(request.cookies.get(LANG_COOKIE))


class SessionRequest(Schema):
    id_token = fields.String(required=True, validate=validate.Length(min=1, max=8192))


@blp.post("/auth/session")
@commits
def create_session():
    """Exchange a Firebase ID token for the dashboard's session cookie."""
    try:
        data = SessionRequest().load(request.get_json(silent=True) or {})
    except ValidationError as error:
        raise InvalidInput(_("Some fields are invalid."), error.messages)
    start_session(data["id_token"])  # a first sign-in creates the user
    return "", 204


@blp.delete("/auth/session")
def delete_session():
    end_session()
    return "", 204


@blp.get("/dashboard/sign-in")
def sign_in():
    demo_people = dashboard_people() if emulator_mode() else []
    return render_template("dashboard/sign_in.html", demo_people=demo_people, emulator=emulator_mode(),
                           firebase_project=current_app.config["FIREBASE_PROJECT_ID"],
                           firebase_api_key=current_app.config.get("FIREBASE_WEB_API_KEY"))


@blp.post("/dashboard/dev-token")
def dev_token():
    """Development only: an emulator token for a demo phone, so the demo can be explored in a browser."""
    if not emulator_mode():
        raise NotFound(_("Nothing exists at this address."))
    phone = (request.get_json(silent=True) or {}).get("phone", "")
    if phone not in {person.phone for person in dev_people()}:
        raise NotFound(_("Nothing exists at this address."))
    return jsonify(id_token=mint_emulator_token(current_app.config["FIREBASE_PROJECT_ID"], phone))


@blp.get("/dashboard/")
def home():
    scope = session_scope()
    units = _top_units(scope)
    if len(units) == 1:
        return redirect(url_for("dashboard.unit_page", code=units[0].code))
    return render_template("dashboard/home.html", units=units, scope=scope)


@blp.get("/dashboard/units/<code>")
def unit_page(code):
    scope = session_scope()
    unit = coverage_services.readable_unit(scope, code)
    period = request.args.get("period", ALL)
    indicator = request.args.get("indicator", "people_helped")
    chosen_period = coverage_services.period_or_error(period)
    chosen = coverage_services.indicator_or_error(indicator)
    # Request indicators have no monthly counters: the chart then shows people helped.
    trend = coverage_services.series_of(unit, chosen if chosen.code in ACTIVITY_CODES else BY_CODE["people_helped"])
    return render_template(
        "dashboard/unit.html", unit=unit, ancestors=_visible_ancestors(scope, unit),
        coverage=coverage_services.coverage_of(unit, chosen_period),
        children=coverage_services.children_of(unit, chosen, chosen_period), indicator=indicator, period=period,
        periods=_period_choices(), trend=trend, chart=bar_chart(trend), gaps=coverage_services.gaps_of(unit),
        labels=INDICATOR_LABELS, blocker_labels=BLOCKER_LABELS, scope=scope)


@blp.get("/dashboard/units/<code>/export.<kind>")
def export_unit(code, kind):
    """The same tables as the API's format=csv|xlsx, for staff signed in to the dashboard."""
    scope = session_scope()
    if kind not in export.FORMATS:
        raise NotFound(_("Nothing exists at this address."))
    period = request.args.get("period", ALL)
    indicator = request.args.get("indicator")
    if indicator:
        _unit, rows = coverage_services.children_coverage(scope, code, indicator, period)
        return export.download(kind, f"coverage-{code}-{indicator}-{period}", *export.children_table(rows))
    coverage = coverage_services.unit_coverage(scope, code, period)
    return export.download(kind, f"coverage-{code}-{period}", *export.unit_table(coverage))


def _period_choices() -> list[tuple[str, str]]:
    month, quarter, year, _all = period_keys(utcnow())
    return [(month, _("This month")), (quarter, _("This quarter")), (year, _("This year")), (ALL, _("All time"))]


@blp.get("/dashboard/lang/<lang>")
def switch_language(lang):
    target = request.args.get("next") or url_for("dashboard.home")
    if not target.startswith("/dashboard"):
        target = url_for("dashboard.home")
    response = make_response(redirect(target))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@blp.errorhandler(DomainError)
def page_error(error):
    if request.path.startswith("/auth/") or request.path == url_for("dashboard.dev_token"):
        from ..problems import handle_domain_error

        return handle_domain_error(error)
    if isinstance(error, Unauthenticated):
        return redirect(url_for("dashboard.sign_in", next=request.path))
    return render_template("dashboard/error.html", error=error), error.status


def _visible_ancestors(scope: Scope, unit: Unit) -> list[Unit]:
    return [a for a in ancestors_of(unit) if any(scope.allows(ability, a) for ability in READ_ABILITIES)]


def _top_units(scope: Scope) -> list[Unit]:
    units = {g.unit.code: g.unit for g in scope.grants}
    units.update({m.team.unit.code: m.team.unit for m in scope.memberships})
    outermost = [u for u in units.values() if not any(o is not u and u.path.startswith(o.path) for o in units.values())]
    return sorted(outermost, key=lambda u: (u.depth, u.search_name))
