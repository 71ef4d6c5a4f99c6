"""Recognising a record a phone sends again: the same content, however formatted, has the same hash."""

import hashlib
import json


def content_hash(values: list) -> bytes:
    """A short digest of `values` in canonical JSON (callers pass them in a fixed order, as plain values)."""
    canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=16).digest()
