"""Deserialized specs of procedure versions, cached per process.

Parsing a spec's JSON costs more than loading a dossier's state, and every
dossier of a version shares the same spec.  `load_spec` therefore restores
a version's spec once and keeps it in a small, thread-safe LRU cache keyed by
the version checksum.  `SpecHandle` is opaque to callers: only this package
looks inside.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from . import serializer

CACHE_SIZE = 64


class SpecHandle:
    """A version's restored process spec and sub-process specs."""

    __slots__ = ("key", "_spec", "_subprocess_specs", "_spec_json")

    def __init__(self, key: str, spec, subprocess_specs: dict, spec_json: str):
        self.key = key
        self._spec = spec
        self._subprocess_specs = subprocess_specs
        # Kept for the slow path that migrates states of older versions.
        self._spec_json = spec_json

    def __repr__(self) -> str:
        return f"SpecHandle({self.key!r})"


class _SpecCache:
    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict[str, SpecHandle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> SpecHandle | None:
        with self._lock:
            handle = self._items.get(key)
            if handle is not None:
                self._items.move_to_end(key)
            return handle

    def put(self, handle: SpecHandle) -> SpecHandle:
        with self._lock:
            # Another thread may have won the race; keep its handle.
            handle = self._items.setdefault(handle.key, handle)
            self._items.move_to_end(handle.key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            return handle

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_CACHE = _SpecCache(CACHE_SIZE)


def load_spec(key: str, spec_json: str) -> SpecHandle:
    """The handle for `key`, restoring `spec_json` only on a cache miss."""
    handle = _CACHE.get(key)
    if handle is not None:
        return handle
    spec, subprocess_specs = serializer.spec_from_json(spec_json)
    return _CACHE.put(SpecHandle(key, spec, subprocess_specs, spec_json))


def clear_spec_cache() -> None:
    """Forget every cached spec (tests; a version being deleted)."""
    _CACHE.clear()
