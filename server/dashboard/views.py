"""Monitors' pages: sign-in, their areas, and one page per unit with drill-down."""

from flask import Blueprint, Response, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from .. import formatting, spreadsheets
from ..auth.dev_sign_in import dashboard_people, dev_people
from ..auth.emulator import mint_emulator_token
from ..auth.scope import Scope
from ..boundary import commits
from ..content.catalogue import service_names
from ..coverage import export
from ..coverage import services as coverage_services
from ..coverage.indicators import BY_CODE, INDICATORS
from ..coverage.labels import blocker_label, indicator_label, period_label
from ..coverage.monthly_report import monthly_report as build_monthly_report
from ..coverage.periods import ALL
from ..errors import DomainError, InvalidInput, NotFound, Unauthenticated
from ..locale import prefer_language
from ..types import utcnow
from ..units.models import Unit
from ..units.services import ancestors_of
from .chart import bar_chart
from .forms import check_csrf, csrf_token
from .periods import chart_end, period_choices, report_month
from .redirects import firebase_sign_in_policy, safe_next
from .session import emulator_mode, end_session, session_scope, signed_in, start_session

blp = Blueprint("dashboard", __name__, template_folder="templates")
ACTIVITY_CODES = {indicator.code for indicator in INDICATORS}
LANG_COOKIE = "lang"


@blp.app_context_processor
def _page_helpers():
    """Formatting and labels every dashboard template uses: Babel numbers, never raw codes."""
    return {
        "number": formatting.number,
        "score": formatting.score,
        "percent": formatting.percent,
        "local_date": formatting.local_date,
        "local_datetime": formatting.local_datetime,
        "indicator_label": indicator_label,
        "blocker_label": blocker_label,
        "period_label": period_label,
        "csrf_token": csrf_token,
        "signed_in": signed_in,
    }


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


@blp.post("/dashboard/sign-out")
def sign_out():
    """The header's sign-out button: a plain form, so it works without JavaScript."""
    check_csrf()
    end_session()
    return redirect(url_for("dashboard.sign_in"))


@blp.get("/dashboard/sign-in")
def sign_in():
    demo_people = dashboard_people() if emulator_mode() else []
    page = make_response(
        render_template(
            "dashboard/sign_in.html",
            next=safe_next(request.args.get("next")),
            demo_people=demo_people,
            emulator=emulator_mode(),
            firebase_project=current_app.config["FIREBASE_PROJECT_ID"],
            firebase_api_key=current_app.config.get("FIREBASE_WEB_API_KEY"),
        )
    )
    if not emulator_mode():
        page.headers["Content-Security-Policy"] = firebase_sign_in_policy(current_app.config["FIREBASE_PROJECT_ID"])
    return page


@blp.post("/dashboard/dev-token")
def dev_token():
    """Development only: an emulator token for a demo phone, so the demo can be explored in a browser."""
    if not emulator_mode():
        raise NotFound(_("Nothing exists at this address."))
    body = request.get_json(silent=True)
    phone = body.get("phone") if isinstance(body, dict) else None
    if not isinstance(phone, str) or phone not in {person.phone for person in dev_people()}:
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
    trend_indicator = chosen if chosen.code in ACTIVITY_CODES else BY_CODE["people_helped"]
    trend = coverage_services.series_of(unit, trend_indicator, until=chart_end(chosen_period))
    return render_template(
        "dashboard/unit.html",
        unit=unit,
        ancestors=_visible_ancestors(scope, unit),
        coverage=coverage_services.coverage_of(unit, chosen_period),
        children=coverage_services.children_of(unit, chosen, chosen_period),
        indicator=indicator,
        period=period,
        periods=period_choices(period),
        trend=trend,
        trend_indicator=trend_indicator.code,
        chart=bar_chart(trend),
        gaps=coverage_services.gaps_of(unit),
        services=service_names(str(get_locale())),
        report_period=report_month(chosen_period),
        now=utcnow(),
        scope=scope,
    )


@blp.get("/dashboard/units/<code>/export.<kind>")
def export_unit(code, kind):
    """The same tables as the API's format=csv|xlsx, for staff signed in to the dashboard."""
    scope = session_scope()
    if kind not in spreadsheets.FORMATS:
        raise NotFound(_("Nothing exists at this address."))
    period = request.args.get("period", ALL)
    indicator = request.args.get("indicator")
    if indicator:
        unit, rows = coverage_services.children_coverage(scope, code, indicator, period)
        return spreadsheets.download(
            kind, f"coverage-{code}-{indicator}-{period}", export.children_table(unit, indicator, period, rows)
        )
    coverage = coverage_services.unit_coverage(scope, code, period)
    return spreadsheets.download(kind, f"coverage-{code}-{period}", export.unit_table(coverage))


@blp.get("/dashboard/units/<code>/report.pdf")
def monthly_report(code):
    """The month's report as one printable PDF, in the page's language (Vietnamese by default)."""
    scope = session_scope()
    report = build_monthly_report(scope, code, request.args.get("period", ""), str(get_locale()))
    return Response(
        report.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{report.filename}"'},
    )


@blp.get("/dashboard/lang/<lang>")
def switch_language(lang):
    response = make_response(redirect(safe_next(request.args.get("next"))))
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
    return [a for a in ancestors_of(unit) if scope.readable(a)]


def _top_units(scope: Scope) -> list[Unit]:
    units = {g.unit.code: g.unit for g in scope.grants}
    units.update({m.team.unit.code: m.team.unit for m in scope.memberships})
    outermost = [u for u in units.values() if not any(o is not u and u.path.startswith(o.path) for o in units.values())]
    return sorted(outermost, key=lambda u: (u.depth, u.search_name))


from . import work_pages  # noqa: E402,F401  (its routes join this blueprint)
