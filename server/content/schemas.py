"""marshmallow schemas for the content files (parsed with tomllib); see docs/posters.md.

Unknown keys are refused, so a misspelt key ("warnign") is reported instead of silently lost."""

import datetime as dt
import re
import unicodedata

import marshmallow as ma

from .models import AUDIENCES, DIFFICULTIES, REQUIRED_LANGUAGES, SKILLS

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SERVICE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
IMAGE_NAME = SLUG
MAX_STEPS = 20


class Text(ma.fields.String):
    """A non-blank string, stripped and in Unicode NFC (Vietnamese typed on some keyboards is NFD)."""

    def __init__(self, max_length: int, **kwargs):
        super().__init__(validate=ma.validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return unicodedata.normalize("NFC", text.strip())


class TomlDate(ma.fields.Field):
    """A TOML date (written without quotes), which tomllib already gives as datetime.date."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise ma.ValidationError("Must be a TOML date such as 2026-11-23 (without quotes).")


def _by_language(max_length: int):
    return ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Regexp(LANGUAGE_CODE)),
        values=Text(max_length),
        required=True,
        validate=_has_required_languages,
    )


def _has_required_languages(value: dict):
    missing = [lang for lang in REQUIRED_LANGUAGES if lang not in value]
    if missing:
        raise ma.ValidationError(f"Missing language(s): {', '.join(missing)}.")


class ServiceSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=[ma.validate.Regexp(SERVICE_CODE), ma.validate.Length(max=40)])
    skill = ma.fields.String(required=True, validate=ma.validate.OneOf(SKILLS))
    name = _by_language(120)
    description = _by_language(300)


class ServicesFileSchema(ma.Schema):
    service = ma.fields.List(ma.fields.Nested(ServiceSchema), required=True, validate=ma.validate.Length(min=1))


class PosterMetaSchema(ma.Schema):
    service = ma.fields.String(required=True)
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(AUDIENCES))
    skill = ma.fields.String(required=True, validate=ma.validate.OneOf(SKILLS))
    tags = ma.fields.List(Text(40), load_default=list, validate=ma.validate.Length(max=20))
    difficulty = ma.fields.String(required=True, validate=ma.validate.OneOf(DIFFICULTIES))
    minutes = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=240))
    reviewed = TomlDate(required=True)
    sources = ma.fields.List(Text(500), required=True, validate=ma.validate.Length(min=1))


class StepSchema(ma.Schema):
    text = Text(400, required=True)
    image = ma.fields.String(load_default=None, validate=ma.validate.Regexp(IMAGE_NAME))
    warning = Text(300, load_default=None)


class TranslationSchema(ma.Schema):
    title = Text(90, required=True)
    summary = Text(300, required=True)
    help = Text(400, required=True)
    steps = ma.fields.List(
        ma.fields.Nested(StepSchema), required=True, validate=ma.validate.Length(min=1, max=MAX_STEPS)
    )


def flatten_errors(messages, prefix: str = "") -> list[str]:
    """{"steps": {2: {"text": ["..."]}}} → ["steps[3].text: ..."] (steps numbered from 1, as printed)."""
    lines = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                name = f"{prefix}[{key + 1}]"
            elif key == "_schema":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            lines += flatten_errors(value, name)
    elif isinstance(messages, list):
        for message in messages:
            lines += flatten_errors(message, prefix)
    else:
        lines.append(f"{prefix}: {messages}" if prefix else str(messages))
    return lines
