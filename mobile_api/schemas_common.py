"""Output schemas shared by several resources."""

import marshmallow as ma


class UnitRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    level = ma.fields.String()
