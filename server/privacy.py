"""Personal-data guards: ToSo never stores a citizen-ID number (CMND: 9 digits, CCCD: 12 digits)."""

import re

# A run of digits, optionally grouped by single spaces or hyphens ("001 234 567 890").
# Dots are not separators: "150.000.000" is an amount of money, not an identity number.
_DIGIT_RUN = re.compile(r"(?<![\d])\d(?:[ \-]?\d)*(?![\d])")
CITIZEN_ID_LENGTHS = (9, 12)
# Field names a phone or a form might use for an identity number.
CITIZEN_ID_FIELD_NAMES = frozenset(
    {
        "cccd",
        "cmnd",
        "can_cuoc",
        "cancuoc",
        "citizen_id",
        "citizenid",
        "national_id",
        "id_number",
        "id_card",
        "identity_number",
        "so_cccd",
        "so_cmnd",
        "so_dinh_danh",
        "personal_id",
    }
)


def _is_citizen_id(run: str) -> bool:
    return sum(ch.isdigit() for ch in run) in CITIZEN_ID_LENGTHS


def looks_like_citizen_id(text: str | None) -> bool:
    """True when the text contains a 9- or 12-digit number, the shape of a CMND or CCCD."""
    if not text:
        return False
    return any(_is_citizen_id(match.group()) for match in _DIGIT_RUN.finditer(text))


def mask_citizen_ids(text: str | None) -> str | None:
    """Replaces the digits of every citizen-ID-shaped number with '*', keeping the rest of the text."""
    if not text:
        return text

    def mask(match: re.Match) -> str:
        run = match.group()
        return re.sub(r"\d", "*", run) if _is_citizen_id(run) else run

    return _DIGIT_RUN.sub(mask, text)


def is_citizen_id_field(name: str) -> bool:
    return name.strip().lower().replace("-", "_") in CITIZEN_ID_FIELD_NAMES
