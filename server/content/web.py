"""The page a printed poster's QR code opens: the poster, readable on any phone browser, and how
to ask that village's team for help. Public, like the posters themselves."""

from flask import Blueprint, render_template, request, url_for

from ..locale import prefer_language
from ..teams.contact import public_contact
from ..units.services import get_unit
from .pdf import place_and_team
from .services import get_poster

blp = Blueprint("poster_pages", __name__, template_folder="templates")


@blp.before_request
def _language_from_link():
    """A printed poster's link says its language; without one, Vietnamese (not the phone's setting)."""
    prefer_language(request.args.get("lang", "vi"))


@blp.get("/p/<slug>")
def poster_page(slug):
    lang = request.args.get("lang", "vi")
    poster = get_poster(slug, lang)
    unit = get_unit(request.args["unit"]) if request.args.get("unit") else None
    place, team = place_and_team(unit) if unit else (None, None)
    images = {
        step["image"].name: url_for("content.get_image", filename=f"{step['image'].sha256}.{step['image'].extension}")
        for step in poster.steps
        if step.get("image")
    }
    help_link = (
        url_for("field_app.shell", page="help/new", unit=unit.code, service=poster.poster.service.code)
        if unit
        else None
    )
    return render_template(
        "content/poster.html",
        poster=poster,
        unit=unit,
        place=place,
        team=team,
        images=images,
        app_link=help_link,
        contact=public_contact(unit) if unit else None,
    )
