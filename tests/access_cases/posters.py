from server.content.models import Image
from server.extensions import db
from tests.access_cases import OK, Case, everyone

POSTER = "vneid-install-level1"


def _image_path(world):
    image = db.session.scalars(db.select(Image).order_by(Image.name)).first()
    return f"/images/{image.sha256}.{image.extension}"


# The catalogue and posters are public: residents read them before (or without) signing in.
CASES = [
    Case("GET", "/api/v1/services", lambda w: ("/services", None), everyone(OK)),
    Case("GET", "/api/v1/posters", lambda w: ("/posters?lang=vi", None), everyone(OK)),
    Case("GET", "/api/v1/posters/<string:slug>", lambda w: (f"/posters/{POSTER}", None), everyone(OK)),
    Case(
        "GET",
        "/api/v1/posters/<string:slug>.pdf",
        lambda w: (f"/posters/{POSTER}.pdf?unit={w.village_a.code}", None),
        everyone(OK),
    ),
    Case("GET", "/api/v1/images/<string:filename>", lambda w: (_image_path(w), None), everyone(OK)),
]
