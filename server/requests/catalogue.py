"""The service codes a request may name, read from content/services.toml.

One small seam: when the services table of the posters feature is merged, these two functions
read it instead of the file."""

import os
import tomllib
from functools import lru_cache

SERVICES_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "content",
                             "services.toml")


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, str]]:
    with open(SERVICES_FILE, "rb") as file:
        services = tomllib.load(file)["service"]
    return {service["code"]: service["name"] for service in services}


def known_service_codes() -> frozenset[str]:
    return frozenset(_catalogue())


def service_name(code: str, lang: str = "vi") -> str:
    """The service's name in `lang` (Vietnamese when that language is missing), or the code itself."""
    names = _catalogue().get(code, {})
    return names.get(lang) or names.get("vi") or code
