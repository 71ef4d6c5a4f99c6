"""Reading the loaded catalogue in one language, with a Vietnamese fallback."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import defer, selectinload

from .. import change_feed
from ..errors import NotFound, shown
from ..extensions import db
from ..pagination import decode_cursor, paginate
from .models import DEFAULT_LANGUAGE, Image, Poster, PosterTranslation, Service


@dataclass
class LocalisedPoster:
    """A poster seen in one language; `fell_back` says the requested language was not available."""

    poster: Poster
    text: PosterTranslation
    requested_lang: str
    steps: list[dict] = field(default_factory=list)  # with "image" resolved to an Image (or None)

    @property
    def lang(self) -> str:
        return self.text.lang

    @property
    def fell_back(self) -> bool:
        return self.text.lang not in (self.requested_lang, _primary(self.requested_lang))


@dataclass
class CatalogueView:
    items: list[LocalisedPoster]
    removed: list[str]  # slugs a phone should drop from its copy of this list
    as_of: datetime | None  # the latest change: the next sync's `changed_since`
    next_cursor: str | None = None


def _primary(lang: str) -> str:
    return lang.split("-", 1)[0]


def pick_translation(poster: Poster, lang: str) -> PosterTranslation:
    """The poster in `lang` ("vi-VN" finds "vi"), else in Vietnamese, which every poster has."""
    by_lang = {translation.lang: translation for translation in poster.translations}
    return by_lang.get(lang) or by_lang.get(_primary(lang)) or by_lang[DEFAULT_LANGUAGE]


def list_services(
    cursor: str | None = None, limit: int | None = None
) -> tuple[list[tuple[Service, list[str]]], str | None]:
    """Services in catalogue order, each with the slugs of its published posters; and the next cursor."""
    page = paginate(select(Service).where(Service.removed_at.is_(None)), (Service.position, Service.id), cursor, limit)
    slugs: dict[int, list[str]] = {}
    for service_id, slug in db.session.execute(
        select(Poster.service_id, Poster.slug)
        .where(Poster.removed_at.is_(None), Poster.service_id.in_([s.id for s in page.items]))
        .order_by(Poster.slug)
    ):
        slugs.setdefault(service_id, []).append(slug)
    return [(service, slugs.get(service.id, [])) for service in page.items], page.next_cursor


def list_posters(
    lang: str,
    service: str | None = None,
    audience: str | None = None,
    changed_since: datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> CatalogueView:
    """Published posters matching the filters, by slug; with `changed_since`, only those changed after it,
    and the slugs of posters removed (or no longer matching) since then, within the page's range of slugs."""
    matching = [Poster.removed_at.is_(None)]
    if service is not None:
        matching.append(Poster.service.has(Service.code == service))
    if audience is not None:
        matching.append(Poster.audience == audience)
    changed = [Poster.updated_at > changed_since] if changed_since is not None else []
    stmt = select(Poster).options(selectinload(Poster.translations)).where(*matching, *changed)
    page = paginate(stmt, (Poster.slug,), cursor, limit)
    removed = []
    if changed_since is not None:
        gone = select(Poster.slug).where(*changed, not_(and_(*matching)))
        if cursor:
            gone = gone.where(Poster.slug > decode_cursor(cursor, (Poster.slug,))[0])
        if page.next_cursor:
            gone = gone.where(Poster.slug <= page.items[-1].slug)
        removed = list(db.session.scalars(gone.order_by(Poster.slug)))
    as_of = db.session.scalar(select(func.max(Poster.updated_at)))
    items = [LocalisedPoster(poster, pick_translation(poster, lang), lang) for poster in page.items]
    return CatalogueView(items, removed, as_of, page.next_cursor)


def get_poster(slug: str, lang: str) -> LocalisedPoster:
    """One published poster with its steps; a step's image is resolved to the stored Image."""
    poster = db.session.scalar(
        select(Poster)
        .where(Poster.slug == slug, Poster.removed_at.is_(None))
        .options(selectinload(Poster.translations))
    )
    if poster is None:
        raise NotFound(_("There is no poster %(slug)s.", slug=shown(slug)))
    localised = LocalisedPoster(poster, pick_translation(poster, lang), lang)
    names = {step["image"] for step in localised.text.steps if step.get("image")}
    images = (
        {
            image.name: image
            for image in db.session.scalars(select(Image).where(Image.name.in_(names)).options(defer(Image.data)))
        }
        if names
        else {}
    )
    localised.steps = [step | {"image": images.get(step.get("image"))} for step in localised.text.steps]
    return localised


def content_version() -> tuple:
    """Changes whenever a content load changes what the catalogue reads return: a load stamps every
    poster, service and image it adds or changes with `updated_at`, removes posters and services by
    stamping them, and only ever deletes images (which the counts see). One cheap query, and none
    while the worker has heard of no change to the content tables since it last asked."""
    return change_feed.remembered("content", "version", _read_content_version)


def _read_content_version() -> tuple:
    models = (Poster, Service, Image)
    latest = [select(func.max(model.updated_at)).scalar_subquery() for model in models]
    counts = [select(func.count()).select_from(model).scalar_subquery() for model in models]
    return tuple(db.session.execute(select(*latest, *counts)).one())


def known_languages() -> list[str]:
    """Every language some poster is written in (a Tày or H'Mông file adds one)."""
    return list(db.session.scalars(select(PosterTranslation.lang).distinct().order_by(PosterTranslation.lang)))


def get_image(sha256: str, extension: str) -> Image:
    image = db.session.scalar(select(Image).where(Image.sha256 == sha256).limit(1))
    if image is None or image.extension != extension:
        raise NotFound(_("There is no such image."))
    return image
