"""/app/: the shell (one page for every screen), its manifest, service worker, texts and settings.

Nothing here carries personal data: the shell is the same for everyone and is cached on the phone;
everything personal comes from /api/v1 with the bearer token and lives in the phone's IndexedDB."""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.dev_sign_in import dev_people
from ..auth.emulator import mint_emulator_token
from ..dashboard.session import emulator_mode
from ..errors import InvalidInput, NotFound
from ..phones import InvalidPhone, normalise_phone
from ..teams.contact import public_contact
from ..units.services import get_unit
from .strings import app_strings

blp = Blueprint("field_app", __name__, url_prefix="/app", template_folder="templates")
STATIC_FILES = (
    "app/app.js",
    "app/store.js",
    "app/sync.js",
    "app/screens.js",
    "app/app.css",
    "app/icon-192.png",
    "app/icon-512.png",
)
SHELL_TEMPLATE = Path(__file__).parent / "templates" / "field_app" / "shell.html"
THEME_COLOUR = "#0f766e"
# Same policy as the dashboard: no inline script or style; Firebase's phone sign-in (production
# only) needs Google's reCAPTCHA frame and its token endpoints.
CSP = (
    "default-src 'self'; script-src 'self' https://www.google.com https://www.gstatic.com; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self' https://*.googleapis.com; "
    "frame-src https://www.google.com https://*.firebaseapp.com; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@blp.after_request
def _headers(response):
    # Stricter than the pages' policy in server/guards.py (no inline style), which adds the other
    # security headers to every answer.
    response.headers.setdefault("Content-Security-Policy", CSP)
    return response


@blp.get("/", defaults={"page": ""}, endpoint="shell")
@blp.get("/<path:page>", endpoint="shell")
def shell(page):
    """Every screen is the same page; the app reads the path. The service worker answers from its cache."""
    response = Response(render_template("field_app/shell.html", theme=THEME_COLOUR))
    response.headers["Cache-Control"] = "no-cache"
    return response


@blp.get("/manifest.webmanifest")
def manifest():
    with force_locale("vi"):
        return _manifest()


def _manifest():
    body = {
        "name": _("ToSo: community digital technology teams"),
        "short_name": "ToSo",
        "lang": "vi",
        "dir": "ltr",
        "start_url": url_for(".shell"),
        "scope": url_for(".shell"),
        "id": url_for(".shell"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "description": _("Ask for help with digital services, and log the help given."),
        "icons": [
            {
                "src": url_for("static", filename=f"app/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@blp.get("/strings/<lang>.json")
def strings(lang):
    if lang not in current_app.config["LANGUAGES"]:
        raise NotFound(_("Nothing exists at this address."))
    with force_locale(lang):
        return jsonify(lang=lang, **app_strings())


@blp.get("/config.json")
def config():
    """How this server signs people in: demo people with emulator tokens, or Firebase phone auth."""
    people = dev_people() if emulator_mode() else []
    demo_people = [{"phone": p.phone, "name": p.name, "role": p.role} for p in people]
    return jsonify(
        emulator=emulator_mode(),
        demo_people=demo_people,
        firebase={
            "project": current_app.config["FIREBASE_PROJECT_ID"],
            "api_key": current_app.config.get("FIREBASE_WEB_API_KEY"),
        },
        firebase_sdk=[
            url_for("static", filename=f"vendor/firebase/firebase-{part}-compat.js") for part in ("app", "auth")
        ],
    )


@blp.post("/dev-token")
def dev_token():
    """Development only: an emulator token for any phone number, as the Auth emulator would give."""
    if not emulator_mode():
        raise NotFound(_("Nothing exists at this address."))
    try:
        phone = normalise_phone(str((request.get_json(silent=True) or {}).get("phone", ""))[:32])
    except InvalidPhone:
        raise InvalidInput(_("Some fields are invalid."), {"phone": [_("Not a valid phone number.")]})
    return jsonify(id_token=mint_emulator_token(current_app.config["FIREBASE_PROJECT_ID"], phone))


@blp.get("/contact.json")
def contact():
    """Public: how to reach the team of a village without signing in (its public phone, the commune office)."""
    code = request.args.get("unit", "")[:40]
    if not code:
        raise NotFound(_("Nothing exists at this address."))
    unit = get_unit(code)
    found = public_contact(unit)
    return jsonify(
        unit={"code": unit.code, "name": unit.name}, team=found.team, team_phone=found.team_phone, commune=found.commune
    )


@blp.get("/sw.js")
def service_worker():
    """The worker's code with the list of shell files and their version: any change re-installs it."""
    urls = [
        url_for(".shell"),
        url_for(".manifest"),
        url_for(".config"),
        *[url_for(".strings", lang=lang) for lang in current_app.config["LANGUAGES"]],
        *[url_for("static", filename=name) for name in STATIC_FILES],
    ]
    static = Path(current_app.static_folder)
    digest = hashlib.sha256()
    for path in (*[static / name for name in (*STATIC_FILES, "app/sw.js")], SHELL_TEMPLATE):
        digest.update(path.read_bytes())
    # The texts and the sign-in settings are cached with the shell: a new translation or setting is a new version.
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            digest.update(json.dumps(app_strings(), sort_keys=True).encode())
    digest.update(config().get_data())
    header = "const SHELL = " + json.dumps({"version": digest.hexdigest()[:16], "urls": urls}) + ";\n"
    response = Response(header + (static / "app/sw.js").read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response
