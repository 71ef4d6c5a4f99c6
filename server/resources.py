"""Where the posters and the migrations are: bundled in the installed wheel (server/bundled/, see
setup.py), or at the top of a checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """`content` or `migrations`."""
    bundled = _PACKAGE / "bundled" / name
    return bundled if bundled.is_dir() else _PACKAGE.parent / name
