"""A worker's bounded memory of things whose truth is in the database (checked on every use)."""

import threading
from collections import OrderedDict

_MISSING = object()


class BoundedCache:
    """Least recently used out first, so a worker's memory stays flat; safe under threaded workers."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            value = self._items.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, key) -> None:
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


def app_cache(name: str, size: int) -> BoundedCache:
    """The current app's cache called `name`, made on first use (one per app: tests build several)."""
    from flask import current_app

    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, BoundedCache(size))
    return cache
