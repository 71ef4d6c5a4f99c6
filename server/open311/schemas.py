"""What partners may send: the standard's fields, checked with marshmallow. Other fields of the standard
(email, device_id, account_id, attribute[…]) are accepted and ignored: ToSo stores no more than it needs."""

import marshmallow as ma

from .status import CLOSED, OPEN


class FilingSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    api_key = ma.fields.String()
    jurisdiction_id = ma.fields.String(validate=ma.validate.Length(max=40))
    service_code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    address_id = ma.fields.String(load_default=None, validate=ma.validate.Length(max=40))
    lat = ma.fields.Float(load_default=None, allow_nan=False, validate=ma.validate.Range(-90, 90))
    long = ma.fields.Float(load_default=None, allow_nan=False, validate=ma.validate.Range(-180, 180))
    description = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))
    phone = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=30))
    first_name = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))
    last_name = ma.fields.String(load_default=None, validate=ma.validate.Length(max=60))
    media_url = ma.fields.Url(load_default=None, schemes={"http", "https"}, validate=ma.validate.Length(max=200))


class CommaList(ma.fields.String):
    """The standard's comma-delimited lists ("HT-26-000001,HT-26-000002")."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        items = [item.strip() for item in text.split(",") if item.strip()]
        if self.validate_items:
            for item in items:
                self.validate_items(item)
        return items

    def __init__(self, item_validator=None, **kwargs):
        super().__init__(**kwargs)
        self.validate_items = item_validator


class RequestQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    service_request_id = CommaList(validate=ma.validate.Length(max=200))
    service_code = CommaList(validate=ma.validate.Length(max=200))
    start_date = ma.fields.DateTime()
    end_date = ma.fields.DateTime()
    status = CommaList(item_validator=ma.validate.OneOf((OPEN, CLOSED)))
    jurisdiction_id = ma.fields.String(validate=ma.validate.Length(max=40))
