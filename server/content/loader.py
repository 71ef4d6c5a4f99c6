"""Load validated content into the database, idempotently.

A poster's `version` and `updated_at` change only when its content hash changes, so phones
that sync with `changed_since` download only what really changed. Posters whose folder is
gone are marked removed (not deleted), so a sync can tell phones to drop them."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..types import utcnow
from .files import Content, PosterFiles, read_content
from .models import Image, Poster, PosterTranslation, Service


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    services: int = 0
    images: int = 0

    def __str__(self) -> str:
        lines = [
            f"{self.services} services, {self.images} images; posters: {len(self.created)} created, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, {len(self.removed)} removed."
        ]
        for label, slugs in (("created", self.created), ("updated", self.updated), ("removed", self.removed)):
            if slugs:
                lines.append(f"  {label}: {', '.join(slugs)}")
        return "\n".join(lines)


def load_content_from(root: Path, posters_dir: Path | None = None, now: datetime | None = None) -> LoadReport:
    """Validate the folder, then load it; raises files.ContentInvalid before writing anything."""
    return load_content(read_content(root, posters_dir), now)


def load_content(content: Content, now: datetime | None = None) -> LoadReport:
    """Write `content` into the session (the caller commits); one timestamp marks the whole load."""
    now = now or utcnow()
    report = LoadReport(services=len(content.services), images=len(content.images))
    services = _load_services(content.services, now)
    _load_images(content, now)
    existing = {poster.slug: poster for poster in db.session.scalars(select(Poster))}
    for files in content.posters:
        poster = existing.pop(files.slug, None)
        if poster is None:
            poster = Poster(slug=files.slug, version=1, created_at=now)
            db.session.add(poster)
            report.created.append(files.slug)
        elif poster.content_hash == files.content_hash and poster.removed_at is None:
            report.unchanged.append(files.slug)
            continue
        else:
            poster.version += 1
            report.updated.append(files.slug)
        _write_poster(poster, files, services[files.meta["service"]], now)
    for poster in existing.values():
        if poster.removed_at is None:
            poster.removed_at = poster.updated_at = now
            poster.version += 1
            report.removed.append(poster.slug)
    db.session.flush()
    return report


def _write_poster(poster: Poster, files: PosterFiles, service: Service, now: datetime) -> None:
    meta = files.meta
    poster.service = service
    poster.audience, poster.skill, poster.tags = meta["audience"], meta["skill"], meta["tags"]
    poster.difficulty, poster.minutes, poster.reviewed = meta["difficulty"], meta["minutes"], meta["reviewed"]
    poster.sources = meta["sources"]
    poster.content_hash = files.content_hash
    poster.updated_at = now
    poster.removed_at = None
    current = {translation.lang: translation for translation in poster.translations}
    for lang, text in files.translations.items():
        translation = current.pop(lang, None)
        if translation is None:
            translation = PosterTranslation(lang=lang)
            poster.translations.append(translation)
        translation.title, translation.summary, translation.help = text["title"], text["summary"], text["help"]
        translation.steps = text["steps"]
    for translation in current.values():
        poster.translations.remove(translation)


def _load_services(entries: list[dict], now: datetime) -> dict[str, Service]:
    services = {service.code: service for service in db.session.scalars(select(Service))}
    listed = set()
    for position, entry in enumerate(entries):
        service = services.get(entry["code"])
        if service is None:
            service = services[entry["code"]] = Service(code=entry["code"])
            db.session.add(service)
        fields = {
            "skill": entry["skill"],
            "names": entry["name"],
            "descriptions": entry["description"],
            "position": position,
            "removed_at": None,
        }
        if any(getattr(service, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(service, name, value)
            service.updated_at = now
        listed.add(entry["code"])
    for code, service in services.items():
        if code not in listed and service.removed_at is None:
            # Kept, not deleted: help requests and assistance records may still name it.
            service.removed_at = service.updated_at = now
    db.session.flush()
    return services


def _load_images(content: Content, now: datetime) -> None:
    stored = {image.name: image for image in db.session.scalars(select(Image))}
    for name, file in content.images.items():
        image = stored.pop(name, None)
        if image is None:
            image = Image(name=name)
            db.session.add(image)
        elif image.sha256 == file.sha256:
            continue
        image.sha256, image.mime, image.data = file.sha256, file.mime, file.data
        image.size, image.width, image.height = len(file.data), file.width, file.height
        image.updated_at = now
    for image in stored.values():
        db.session.delete(image)  # no loaded poster refers to it: validation checked every step
