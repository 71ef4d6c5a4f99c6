"""Vietnamese (and any other) translations of marshmallow's English validation messages.

marshmallow formats its messages in English before we see them, so each message is matched
against the templates below and re-rendered from the translated template."""

import re
from functools import lru_cache

from flask_babel import gettext


def N_(message: str) -> str:
    """Marks a message for extraction without translating it yet."""
    return message


TEMPLATES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Invalid input."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid UUID."),
    N_("Not a valid URL."),
    N_("Not a valid email address."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid time."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid period of time."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("String does not match expected pattern."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
    N_('"{input}" cannot be formatted as a date.'),
    N_('"{input}" cannot be formatted as a datetime.'),
    N_("{input} cannot be formatted as a timedelta."),
    N_("Invalid JSON body."),
)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    compiled = []
    for template in TEMPLATES:
        parts = re.split(r"(\{\w+\})", template)
        regex = "".join(f"(?P<{part[1:-1]}>.*?)" if part.startswith("{") else re.escape(part) for part in parts)
        compiled.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return tuple(compiled)


def translate_message(message: str) -> str:
    """Translate one message marshmallow produced; messages we wrote ourselves pass through."""
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            return gettext(template).format(**match.groupdict())
    return message


def translate_errors(messages):
    """Translate a (possibly nested) marshmallow error structure."""
    if isinstance(messages, dict):
        return {key: translate_errors(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_errors(item) for item in messages]
    if isinstance(messages, str):
        return translate_message(messages)
    return messages
