"""The loaded content: services, posters with one translation per language, and step images.

Rows are written only by the loader (`flask content load`); the API reads them."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow

SKILLS = ("public_services", "online_shopping", "online_payment", "online_safety", "local_platforms", "team_practice")
AUDIENCES = ("resident", "member")
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_LANGUAGE = "vi"
REQUIRED_LANGUAGES = ("vi", "en")


class Service(db.Model):
    """A digital service the teams help with; help requests and assistance records refer to its code."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    skill: Mapped[str] = mapped_column(String(30))
    names: Mapped[dict] = mapped_column(JSON)  # language code → name
    descriptions: Mapped[dict] = mapped_column(JSON)  # language code → one sentence
    position: Mapped[int]  # order in services.toml
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def language_for(self, lang: str) -> str:
        """`lang` if the service is named in it ("vi-VN" finds "vi"), else Vietnamese."""
        for candidate in (lang, lang.split("-", 1)[0]):
            if candidate in self.names:
                return candidate
        return DEFAULT_LANGUAGE

    def localised(self, field: str, lang: str) -> str:
        values = getattr(self, field)
        return values.get(self.language_for(lang), values[DEFAULT_LANGUAGE])


class Poster(db.Model):
    """A step-by-step guide. `version` and `updated_at` change only when `content_hash` does."""

    __tablename__ = "posters"
    __table_args__ = (Index("ix_posters_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    skill: Mapped[str] = mapped_column(String(30))
    tags: Mapped[list] = mapped_column(JSON)
    difficulty: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int]
    reviewed: Mapped[date] = mapped_column(Date())
    sources: Mapped[list] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    service: Mapped[Service] = relationship(lazy="joined")
    translations: Mapped[list["PosterTranslation"]] = relationship(
        back_populates="poster", cascade="all, delete-orphan", order_by="PosterTranslation.lang"
    )

    @property
    def languages(self) -> list[str]:
        return [translation.lang for translation in self.translations]


class PosterTranslation(db.Model):
    """A poster's text in one language; any language code works (vi and en are required)."""

    __tablename__ = "poster_translations"
    __table_args__ = (UniqueConstraint("poster_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poster_id: Mapped[int] = mapped_column(ForeignKey("posters.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    help: Mapped[str] = mapped_column(Text)
    steps: Mapped[list] = mapped_column(JSON)  # [{"text", "image" (an Image name) or null, "warning" or null}]

    poster: Mapped[Poster] = relationship(back_populates="translations")


class Image(db.Model):
    """A language-neutral step image, kept in the database so every worker can serve it.

    It is served at a URL made from `sha256`, so a changed picture gets a new URL and the
    old one can be cached forever."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.mime]


EXTENSIONS = {"image/png": "png", "image/webp": "webp"}
