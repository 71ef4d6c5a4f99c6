"""The language a request is answered in: Vietnamese unless the caller asks otherwise."""

import flask_babel
from flask import current_app, g, has_request_context, request


def prefer_language(lang: str | None) -> None:
    """For a blueprint whose pages carry their own language switch (the dashboard's cookie, a poster
    page's ?lang=): called before its views, it wins over Accept-Language when it names a known language."""
    g.preferred_language = lang
    flask_babel.refresh()  # forget a locale chosen earlier in this request


def select_locale() -> str | None:
    """The page's own switch (prefer_language); otherwise Accept-Language; otherwise Vietnamese."""
    if not has_request_context():  # the CLI and workers: the default language
        return None
    languages = current_app.config["LANGUAGES"]
    chosen = g.get("preferred_language")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default="vi")
