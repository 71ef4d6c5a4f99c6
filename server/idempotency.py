"""Recognising a record a phone sends again: the same content, however formatted, has the same hash."""

import hashlib
import json

# One encoder for every call: json.dumps with options builds a new one each time (a batch hashes 500 records).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def content_hash(values: list) -> bytes:
    """A short digest of `values` in canonical JSON (callers pass them in a fixed order, as plain values)."""
    canonical = _CANONICAL.encode(values)
    return hashlib.blake2b(canonical.encode(), digest_size=16).digest()
