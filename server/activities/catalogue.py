"""The service codes an assistance record may name.

Read from content/services.toml for now; one function, so that it can read the Service table
once the catalogue is in the database."""

import tomllib
from functools import lru_cache
from pathlib import Path

SERVICES_FILE = Path(__file__).resolve().parents[2] / "content" / "services.toml"


@lru_cache(maxsize=1)
def known_service_codes() -> frozenset[str]:
    with SERVICES_FILE.open("rb") as file:
        return frozenset(service["code"] for service in tomllib.load(file)["service"])
