"""The service catalogue, tutorial posters (JSON and printable PDF) and their step images.

All public: residents read them before signing in, and phones keep them for offline use."""

import hashlib
import re
from pathlib import Path

import marshmallow as ma
from flask import Response, request, url_for
from flask_babel import gettext as _

from server.content import pdf, services
from server.content.models import AUDIENCES, DEFAULT_LANGUAGE, SKILLS
from server.errors import NotFound

from .access import PUBLIC, access
from .caching import FOREVER, REVALIDATE, client_has, not_modified, versioned
from .fields import PageArgs, PageSchema, UnitCode
from .smorest import Blueprint

blp = Blueprint("content", __name__, description="Service catalogue and tutorial posters (public)")

BINARY = {"type": "string", "format": "binary"}
# The catalogue reads' ETags come from the content's version and this code: a deployment that changes
# how they are built never answers 304 for a body built by the code before.
_BUILT_BY = hashlib.blake2b(Path(__file__).read_bytes() + Path(services.__file__).read_bytes()).digest()
catalogue_version = versioned(services.content_version, _BUILT_BY)
IMAGE_FILE = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>[a-z]+)$")


def Lang():
    return ma.fields.String(
        load_default=None,
        validate=ma.validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"),
        metadata={
            "description": "a language code (vi, en, tay, hmn…); without it, Accept-Language. "
            "A poster not written in it is sent in Vietnamese, with `fell_back` true",
            "example": "vi",
        },
    )


def _language(requested: str | None) -> str:
    if requested:
        return requested.lower()
    return request.accept_languages.best_match(
        services.known_languages() or [DEFAULT_LANGUAGE], default=DEFAULT_LANGUAGE
    )


def _localised_headers(languages: set[str]) -> dict:
    return {"Content-Language": ", ".join(sorted(languages)) or DEFAULT_LANGUAGE, "Vary": "Accept-Language"}


class LangArgs(ma.Schema):
    lang = Lang()


class ServiceListArgs(LangArgs, PageArgs):
    pass


class ServiceSchema(ma.Schema):
    code = ma.fields.String(metadata={"example": "vneid"})
    name = ma.fields.String()
    description = ma.fields.String()
    skill = ma.fields.String(metadata={"enum": list(SKILLS)})
    posters = ma.fields.List(ma.fields.String(), metadata={"description": "slugs of its posters"})


class ServiceListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ServiceSchema))


class PosterListArgs(LangArgs, PageArgs):
    service = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    audience = ma.fields.String(load_default=None, validate=ma.validate.OneOf(AUDIENCES))
    changed_since = ma.fields.AwareDateTime(
        load_default=None,
        metadata={
            "description": "only posters changed after this time (give the "
            "`as_of` of your last sync); removals are in `removed`"
        },
    )


class PosterSummarySchema(ma.Schema):
    slug = ma.fields.String(attribute="poster.slug", metadata={"example": "vneid-install-level1"})
    service = ma.fields.String(attribute="poster.service.code")
    audience = ma.fields.String(attribute="poster.audience", metadata={"enum": list(AUDIENCES)})
    skill = ma.fields.String(attribute="poster.skill")
    tags = ma.fields.List(ma.fields.String(), attribute="poster.tags")
    difficulty = ma.fields.String(attribute="poster.difficulty")
    minutes = ma.fields.Integer(attribute="poster.minutes")
    reviewed = ma.fields.Date(attribute="poster.reviewed")
    version = ma.fields.Integer(attribute="poster.version")
    updated_at = ma.fields.AwareDateTime(attribute="poster.updated_at")
    lang = ma.fields.String(metadata={"description": "the language of title, summary and steps"})
    fell_back = ma.fields.Boolean(
        metadata={
            "description": "true when the poster is not written in the requested language and is sent in Vietnamese"
        }
    )
    languages = ma.fields.List(ma.fields.String(), attribute="poster.languages")
    title = ma.fields.String(attribute="text.title")
    summary = ma.fields.String(attribute="text.summary")


class PosterListSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(PosterSummarySchema))
    removed = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "with changed_since: slugs to drop from your copy (removed, or no longer matching)"},
    )
    as_of = ma.fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "the latest change to the catalogue: pass it as changed_since next time"},
    )


def _image_url(image) -> str | None:
    if image is None:
        return None
    return url_for("content.get_image", filename=f"{image.sha256}.{image.extension}")


class PosterStepSchema(ma.Schema):
    text = ma.fields.String()
    image = ma.fields.Function(
        lambda step: _image_url(step["image"]),
        allow_none=True,
        metadata={"description": "URL of the step's picture (content-hashed: cache it forever)"},
    )
    warning = ma.fields.String(allow_none=True)


class PosterSchema(PosterSummarySchema):
    help = ma.fields.String(attribute="text.help", metadata={"description": "how to get help from the team"})
    steps = ma.fields.List(ma.fields.Nested(PosterStepSchema))


class PosterPdfArgs(LangArgs):
    unit = UnitCode(
        required=True,
        metadata={
            "description": "the village (or commune) whose team the poster's QR code asks for help",
            "example": "00715",
        },
    )


@blp.route("/services")
@access(PUBLIC)
@catalogue_version
@blp.arguments(ServiceListArgs, location="query")
@blp.response(200, ServiceListSchema)
def list_services(args):
    """The digital services the teams help with, and the posters for each."""
    lang = _language(args["lang"])
    catalogue, next_cursor = services.list_services(args["cursor"], args["limit"])
    items = [
        {
            "code": service.code,
            "name": service.localised("names", lang),
            "description": service.localised("descriptions", lang),
            "skill": service.skill,
            "posters": slugs,
        }
        for service, slugs in catalogue
    ]
    languages = {service.language_for(lang) for service, _slugs in catalogue}
    return {"items": items, "next_cursor": next_cursor}, 200, _localised_headers(languages)


@blp.route("/posters")
@access(PUBLIC)
@catalogue_version
@blp.arguments(PosterListArgs, location="query")
@blp.response(200, PosterListSchema)
def list_posters(args):
    """The poster catalogue in one language (no steps), for a phone to keep and sync, page by page.

    Each page has its ETag; with `changed_since` an unchanged catalogue is one empty page."""
    lang = _language(args.pop("lang"))
    view = services.list_posters(lang, **args)
    return view, 200, _localised_headers({item.lang for item in view.items} or {lang})


@blp.route("/posters/<string:slug>")
@access(PUBLIC)
@catalogue_version
@blp.arguments(LangArgs, location="query")
@blp.response(200, PosterSchema)
def get_poster(args, slug):
    """One poster with its steps and image URLs; in Vietnamese if not written in `lang`."""
    poster = services.get_poster(slug, _language(args["lang"]))
    return poster, 200, _localised_headers({poster.lang})


@blp.route("/posters/<string:slug>.pdf")
@access(PUBLIC)
@blp.arguments(PosterPdfArgs, location="query")
@blp.response(200, BINARY, content_type="application/pdf", description="An A4 poster to print")
def get_poster_pdf(args, slug):
    """An A4 printable poster with a QR code that opens it and asks this unit's team for help."""
    lang = _language(args["lang"])
    document = pdf.render_poster_pdf(slug, args["unit"], lang)
    response = Response(
        document.data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{slug}-{args["unit"]}.pdf"',
            "Content-Language": document.lang,
            "Cache-Control": REVALIDATE,
            "Vary": "Accept-Language",
        },
    )
    response.set_etag(document.tag)
    matched = client_has(document.tag)
    return not_modified(response, matched) if matched else response


@blp.route("/images/<string:filename>")
@access(PUBLIC)
@blp.response(
    200, BINARY, content_type="image/png", description="A step image (PNG or WebP); its URL changes when it does"
)
def get_image(filename):
    """A step image at a content-hashed URL, cacheable forever."""
    match = IMAGE_FILE.match(filename)
    if not match:
        raise NotFound(_("There is no such image."))
    image = services.get_image(match["sha"], match["ext"])
    response = Response(image.data, mimetype=image.mime, headers={"Cache-Control": FOREVER})
    response.set_etag(image.sha256)
    matched = client_has(image.sha256)
    return not_modified(response, matched) if matched else response
