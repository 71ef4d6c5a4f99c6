"""Phone numbers are kept in E.164 so that a grant made before sign-in matches the Firebase number."""

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """'0912 345 678' and '+84912345678' both become '+84912345678'; anything else is refused."""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
