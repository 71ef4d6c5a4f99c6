"""Reusable marshmallow fields and base schemas for the API."""

import re
from datetime import date, datetime, time, timedelta

import marshmallow as ma
from flask_babel import gettext as _

from server.coverage.periods import VIETNAM
from server.pagination import DEFAULT_LIMIT, MAX_LIMIT
from server.phones import InvalidPhone, normalise_phone


class Phone(ma.fields.String):
    """A Vietnamese or international number, answered back in E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        if len(raw) > 32:
            raise ma.ValidationError(_("Not a valid phone number."))
        try:
            return normalise_phone(raw)
        except InvalidPhone:
            raise ma.ValidationError(_("Not a valid phone number."))


class DayOrTime(ma.fields.AwareDateTime):
    """A time with its offset, or a date (2026-11-30): the start of that day in Vietnam, or with
    `end_of_day` the start of the next one (an exclusive upper bound that takes the whole day)."""

    DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

    def __init__(self, end_of_day: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end_of_day = end_of_day
        self.metadata.setdefault("description", "a time with its offset, or a date: that day in Vietnam")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and self.DATE.fullmatch(value):
            try:
                day = date.fromisoformat(value) + timedelta(days=1 if self.end_of_day else 0)
            except (ValueError, OverflowError):
                raise ma.ValidationError(_("Not a valid date."))
            return datetime.combine(day, time(), tzinfo=VIETNAM)
        return super()._deserialize(value, attr, data, **kwargs)


def Count(**kwargs):
    """A whole number in a JSON body: 2.5 or "3" are refused, never silently truncated."""
    return ma.fields.Integer(strict=True, **kwargs)


def UnitCode(**kwargs):
    kwargs.setdefault("metadata", {"example": "00715"})
    return ma.fields.String(validate=ma.validate.Length(min=1, max=40), **kwargs)


def Name(max_length: int = 200, **kwargs):
    return ma.fields.String(validate=ma.validate.Length(min=1, max=max_length), **kwargs)


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=DEFAULT_LIMIT, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, validate=ma.validate.Length(max=500))


class PageSchema(ma.Schema):
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null at the end"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, in the caller's language."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String(
        metadata={"description": "this request's id (also the X-Request-ID header), to find it in the server's log"}
    )
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(), metadata={"description": "field → list of messages"}
    )
