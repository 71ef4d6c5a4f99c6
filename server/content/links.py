"""Public links printed on posters (their QR codes)."""

from urllib.parse import urlencode

from flask import current_app

from .models import DEFAULT_LANGUAGE


def poster_link(slug: str, unit_code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The page a poster's QR code opens: the poster itself, and "ask for help" routed to `unit_code`'s
    team. Short, so the QR code stays coarse enough to scan from a printed sheet on a wall."""
    query = {"unit": unit_code} | ({"lang": lang} if lang != DEFAULT_LANGUAGE else {})
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/p/{slug}?{urlencode(query)}"
