"""The dashboard's emulation page: a unit's ranking for a period, with the API's exports."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from ..coverage.periods import VIETNAM, period_keys
from ..dashboard.session import session_scope
from ..errors import DomainError, NotFound
from ..types import utcnow
from .criteria import formula_text
from .ranking import MEMBERS, TEAMS, ranking_for
from .report import FORMATS, download

blp = Blueprint("emulation_pages", __name__, template_folder="templates")


@blp.get("/dashboard/units/<code>/emulation")
def ranking_page(code):
    scope = session_scope()
    period, of = _choices()
    ranking = ranking_for(scope, code, period, of)
    best = max((entry.score for entry in ranking.items), default=0) or 1
    return render_template(
        "emulation/ranking.html",
        ranking=ranking,
        period=period,
        of=of,
        periods=_period_choices(),
        formula=formula_text(),
        best=best,
        scope=scope,
    )


@blp.get("/dashboard/units/<code>/emulation.<kind>")
def ranking_export(code, kind):
    """The same files as the API's format=xlsx|pdf, for staff signed in to the dashboard."""
    scope = session_scope()
    if kind not in FORMATS:
        raise NotFound(_("Nothing exists at this address."))
    period, of = _choices()
    return download(kind, ranking_for(scope, code, period, of))


@blp.errorhandler(DomainError)
def page_error(error):
    from ..dashboard.views import page_error as dashboard_error

    return dashboard_error(error)


def _choices() -> tuple[str, str]:
    month, quarter, _year, _all = period_keys(utcnow())
    of = request.args.get("of", MEMBERS)
    return request.args.get("period", quarter), of if of in (MEMBERS, TEAMS) else MEMBERS


def _period_choices() -> list[tuple[str, str]]:
    month, quarter, year, _all = period_keys(utcnow())
    local = utcnow().astimezone(VIETNAM)
    previous = f"{local.year - 1}-12" if local.month == 1 else f"{local.year}-{local.month - 1:02d}"
    return [
        (month, _("This month")),
        (previous, _("Last month")),
        (quarter, _("This quarter")),
        (year, _("This year")),
        (str(local.year - 1), _("Last year")),
    ]
