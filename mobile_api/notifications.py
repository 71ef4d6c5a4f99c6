import marshmallow as ma
from flask_babel import get_locale

from server.notifications import services

from .access import SIGNED_IN, access, current_scope
from .caching import kept_until_changed
from .fields import PageArgs, PageSchema
from .smorest import Blueprint

blp = Blueprint("notifications", __name__, description="Your notifications, and the phones they are pushed to")

PLATFORMS = ("android", "ios", "web")


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"example": "request_assigned"})
    title = ma.fields.String()
    body = ma.fields.String()
    read = ma.fields.Boolean()
    request = ma.fields.UUID(attribute="request_id", allow_none=True)
    created_at = ma.fields.AwareDateTime()


class NotificationListArgs(PageArgs):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "only unread notifications"})


class NotificationPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(NotificationSchema))


class ReadAllSchema(ma.Schema):
    updated = ma.fields.Integer(metadata={"description": "how many were unread"})


class DeviceCreateSchema(ma.Schema):
    token = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=1024),
        metadata={"description": "the FCM registration token of this phone"},
    )
    platform = ma.fields.String(required=True, validate=ma.validate.OneOf(PLATFORMS))


class DeviceSchema(ma.Schema):
    token = ma.fields.String()
    platform = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


@blp.route("/notifications")
@access(SIGNED_IN)
@kept_until_changed("notifications", per_caller=True)
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args):
    """Everything push delivered (or would have), oldest first from the cursor."""
    return services.list_notifications(current_scope(), args["unread"], args["cursor"], args["limit"])


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@access(SIGNED_IN)
@blp.response(200, NotificationSchema)
def mark_read(notification_id):
    """Mark one of your notifications read."""
    return services.mark_read(current_scope(), notification_id)


@blp.route("/notifications/read-all", methods=["POST"])
@access(SIGNED_IN)
@blp.response(200, ReadAllSchema)
def mark_all_read():
    """Mark all your notifications read."""
    return {"updated": services.mark_all_read(current_scope())}


@blp.route("/devices", methods=["POST"])
@access(SIGNED_IN)
@blp.arguments(DeviceCreateSchema)
@blp.response(201, DeviceSchema)
def register_device(data):
    """Register this phone for push; pushes are written in the request's Accept-Language."""
    return services.register_device(current_scope(), data["token"], data["platform"], str(get_locale()))


@blp.route("/devices/<string:token>", methods=["DELETE"])
@access(SIGNED_IN)
@blp.response(204)
def unregister_device(token):
    """Stop pushing to this phone (on sign-out)."""
    services.unregister_device(current_scope(), token)
