"""Read the content folder, check every file, and describe what it holds (nothing touches the database).

Layout (docs/posters.md): `<root>/services.toml`, `<root>/images/<name>.png|webp` and
`<root>/posters/<slug>/{poster.toml, vi.toml, en.toml, …}`. Every problem found is collected,
so an editor sees the whole list at once."""

import hashlib
import io
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import marshmallow as ma
from PIL import Image as PILImage

from ..resources import resource_dir
from .models import REQUIRED_LANGUAGES
from .schemas import (
    IMAGE_NAME,
    LANGUAGE_CODE,
    SLUG,
    PosterMetaSchema,
    ServicesFileSchema,
    TranslationSchema,
    flatten_errors,
)

MAX_IMAGE_BYTES = 150 * 1024
IMAGE_FORMATS = {".png": ("PNG", "image/png"), ".webp": ("WEBP", "image/webp")}
META_FILE = "poster.toml"


@dataclass(frozen=True)
class Problem:
    where: str  # "posters/vneid-level2/en.toml", "services.toml", …
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


@dataclass
class ImageFile:
    name: str
    mime: str
    data: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class PosterFiles:
    slug: str
    meta: dict
    translations: dict[str, dict]  # language code → title, summary, help, steps
    image_hashes: dict[str, str] = field(default_factory=dict)  # image name → sha256

    @property
    def content_hash(self) -> str:
        """Hash of the normalised content: formatting, comments and key order do not count,
        and a changed step image does (its URL in the poster changes)."""
        normalised = {
            "meta": self.meta | {"reviewed": self.meta["reviewed"].isoformat()},
            "translations": self.translations,
            "images": self.image_hashes,
        }
        encoded = json.dumps(normalised, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass
class Content:
    services: list[dict]
    images: dict[str, ImageFile]
    posters: list[PosterFiles]


def default_root(posters_dir: str | None) -> Path:
    """`POSTERS_DIR` names the posters folder; services.toml and images/ sit beside it."""
    if posters_dir:
        return Path(posters_dir).resolve().parent
    return resource_dir("content")


def read_content(root: Path, posters_dir: Path | None = None) -> Content:
    """Parse and validate everything under `root`; raise ContentInvalid listing every problem."""
    posters_dir = posters_dir or root / "posters"
    problems: list[Problem] = []
    services = _read_services(root / "services.toml", problems)
    images = _read_images(root / "images", problems)
    posters = _read_posters(posters_dir, {s["code"] for s in services}, images, problems)
    if problems:
        raise ContentInvalid(problems)
    return Content(services, images, posters)


def _parse_toml(path: Path, where: str, problems: list[Problem]) -> dict | None:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        problems.append(Problem(where, "file is missing"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(Problem(where, f"not valid TOML: {error}"))
    return None


def _validate(schema: ma.Schema, data: dict, where: str, problems: list[Problem]) -> dict | None:
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        problems += [Problem(where, line) for line in flatten_errors(error.messages)]
        return None


def _read_services(path: Path, problems: list[Problem]) -> list[dict]:
    data = _parse_toml(path, "services.toml", problems)
    loaded = data is not None and _validate(ServicesFileSchema(), data, "services.toml", problems)
    if not loaded:
        return []
    seen = set()
    for service in loaded["service"]:
        if service["code"] in seen:
            problems.append(Problem("services.toml", f"service code {service['code']!r} is used twice"))
        seen.add(service["code"])
    return loaded["service"]


def _read_images(folder: Path, problems: list[Problem]) -> dict[str, ImageFile]:
    images = {}
    if not folder.is_dir():
        problems.append(Problem("images/", "folder is missing"))
        return images
    for path in sorted(folder.iterdir()):
        where = f"images/{path.name}"
        if path.name.startswith("."):
            continue
        if path.suffix not in IMAGE_FORMATS or not IMAGE_NAME.match(path.stem):
            problems.append(
                Problem(where, "expected <name>.png or <name>.webp, name in lowercase letters, digits and hyphens")
            )
            continue
        if path.stem in images:
            problems.append(Problem(where, f"a second image named {path.stem!r}"))
            continue
        data = path.read_bytes()
        if len(data) > MAX_IMAGE_BYTES:
            problems.append(
                Problem(where, f"{len(data) // 1024} KB is over the {MAX_IMAGE_BYTES // 1024} KB limit: compress it")
            )
            continue
        expected_format, mime = IMAGE_FORMATS[path.suffix]
        try:
            with PILImage.open(io.BytesIO(data)) as picture:
                picture.verify()
                actual_format, (width, height) = picture.format, picture.size
        except Exception as error:  # Pillow raises many kinds for a broken file
            problems.append(Problem(where, f"not a readable image ({error})"))
            continue
        if actual_format != expected_format:
            problems.append(Problem(where, f"the file is {actual_format}, not {expected_format}"))
            continue
        images[path.stem] = ImageFile(path.stem, mime, data, width, height)
    return images


def _read_posters(
    folder: Path, service_codes: set[str], images: dict[str, ImageFile], problems: list[Problem]
) -> list[PosterFiles]:
    if not folder.is_dir():
        problems.append(Problem("posters/", f"folder {folder} is missing"))
        return []
    posters = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        where = f"posters/{path.name}"
        if not path.is_dir():
            problems.append(Problem(where, "expected a folder per poster, not a file"))
        elif not SLUG.match(path.name) or len(path.name) > 80:
            problems.append(
                Problem(
                    where, "folder name (the slug) must be lowercase letters, digits and hyphens, at most 80 characters"
                )
            )
        else:
            poster = _read_poster(path, where, service_codes, images, problems)
            if poster:
                posters.append(poster)
    return posters


def _read_poster(
    folder: Path, where: str, service_codes: set[str], images: dict[str, ImageFile], problems: list[Problem]
) -> PosterFiles | None:
    before = len(problems)
    raw_meta = _parse_toml(folder / META_FILE, f"{where}/{META_FILE}", problems)
    meta = raw_meta is not None and _validate(PosterMetaSchema(), raw_meta, f"{where}/{META_FILE}", problems)
    if meta and meta["service"] not in service_codes:
        problems.append(Problem(f"{where}/{META_FILE}", f"service: {meta['service']!r} is not a code in services.toml"))
    translations = {}
    for path in sorted(folder.iterdir()):
        if path.name == META_FILE or path.name.startswith("."):
            continue
        file_where = f"{where}/{path.name}"
        if path.suffix != ".toml" or not LANGUAGE_CODE.match(path.stem):
            problems.append(
                Problem(
                    file_where,
                    "unexpected file: a poster folder holds poster.toml and "
                    "one <language>.toml per language (vi.toml, en.toml, tay.toml…)",
                )
            )
            continue
        data = _parse_toml(path, file_where, problems)
        translation = data is not None and _validate(TranslationSchema(), data, file_where, problems)
        if translation:
            _check_images(translation, images, file_where, problems)
            translations[path.stem] = translation
    for lang in REQUIRED_LANGUAGES:
        if lang not in translations and not (folder / f"{lang}.toml").exists():
            problems.append(
                Problem(
                    f"{where}/{lang}.toml", "file is missing: every poster needs " + " and ".join(REQUIRED_LANGUAGES)
                )
            )
    _check_same_steps(translations, where, problems)
    if len(problems) > before:
        return None
    used = sorted({step["image"] for t in translations.values() for step in t["steps"] if step["image"]})
    return PosterFiles(folder.name, meta, translations, {name: images[name].sha256 for name in used})


def _check_images(translation: dict, images: dict[str, ImageFile], where: str, problems: list[Problem]):
    for number, step in enumerate(translation["steps"], start=1):
        if step["image"] and step["image"] not in images:
            problems.append(Problem(where, f"steps[{number}].image: no image named {step['image']!r} in images/"))


def _check_same_steps(translations: dict[str, dict], where: str, problems: list[Problem]):
    """Every language shows the same pictures in the same order as the Vietnamese original."""
    reference = translations.get("vi")
    if not reference:
        return
    expected = [step["image"] for step in reference["steps"]]
    for lang, translation in translations.items():
        actual = [step["image"] for step in translation["steps"]]
        if len(actual) != len(expected):
            problems.append(Problem(f"{where}/{lang}.toml", f"has {len(actual)} steps but vi.toml has {len(expected)}"))
        elif actual != expected:
            problems.append(
                Problem(f"{where}/{lang}.toml", "step images differ from vi.toml (same images in the same steps)")
            )
