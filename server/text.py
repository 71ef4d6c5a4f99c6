"""Text folding for diacritic- and case-insensitive search of Vietnamese names."""

import unicodedata

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """'Hà Giang', 'HA GIANG' and 'ha  giang' all fold to 'ha giang'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
