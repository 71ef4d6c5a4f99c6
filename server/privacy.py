"""Personal-data guards applied before free text is stored."""

import re

# A citizen-ID-like number: 9 digits (old CMND) or 12 digits (CCCD), contiguous or typed in
# groups of 3 or 4 separated by single spaces. Longer or shorter digit runs (phone numbers have
# 10 or 11 digits, amounts use dots) are left alone.
_CITIZEN_ID = re.compile(
    r"(?<![\d])(?:\d{12}|\d{9}|\d{4} \d{4} \d{4}|\d{3} \d{3} \d{3} \d{3}|\d{3} \d{3} \d{3})(?![\d]| \d)"
)
_KEPT_DIGITS = 3


def mask_citizen_ids(text: str | None) -> str | None:
    """Replace every citizen-ID-like number with asterisks, keeping its last 3 digits for reference."""
    if not text:
        return text
    return _CITIZEN_ID.sub(_mask, text)


def _mask(match: re.Match) -> str:
    digits = [ch for ch in match.group(0) if ch.isdigit()]
    return "*" * (len(digits) - _KEPT_DIGITS) + "".join(digits[-_KEPT_DIGITS:])
