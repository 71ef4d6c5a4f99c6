"""Numbers, percentages and times as people read them, in the caller's language (Babel):
in Vietnamese 1.148.063 and 85,0 %, in English 1,148,063 and 85.0%."""

from datetime import datetime

from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale

from .coverage.periods import VIETNAM

# CLDR's Vietnamese percent has no decimals and no space; Vietnamese reports write "85,0 %".
_PERCENT_PATTERNS = {"vi": "#,##0.0 %"}
_DEFAULT_PERCENT = "#,##0.0%"
DASH = "—"


def _locale() -> str:
    return str(get_locale() or "vi")


def number(value, decimals: int = 0) -> str:
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, pattern, locale=_locale())


def score(value) -> str:
    """Points of a ranking: up to two decimals, none when whole (60,88 and 30 in Vietnamese)."""
    if value is None:
        return DASH
    return format_decimal(value, "#,##0.##", locale=_locale())


def percent(rate) -> str:
    if rate is None:
        return DASH
    locale = _locale()
    return format_percent(rate, _PERCENT_PATTERNS.get(locale.split("_")[0], _DEFAULT_PERCENT), locale=locale)


def local_datetime(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time, as Vietnamese forms write it."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if moment else DASH


def local_date(moment) -> str:
    if moment is None:
        return DASH
    if isinstance(moment, datetime):
        moment = moment.astimezone(VIETNAM)
    return moment.strftime("%d/%m/%Y")
