"""Deserialized specs of procedure versions, cached per process.

Parsing a spec's JSON costs more than loading a dossier's state, and every
dossier of a version shares the same spec.  `load_spec` therefore restores
a version's spec once and keeps it in a small, thread-safe LRU cache
(cachetools) keyed by the version checksum.  `SpecHandle` is opaque to
callers: only this package looks inside.
"""
from __future__ import annotations

import threading

from cachetools import LRUCache, cached

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


_CACHE = LRUCache(maxsize=CACHE_SIZE)


def load_spec(key: str, spec_json: str) -> SpecHandle:
    """The handle for `key`, restoring `spec_json` only on a cache miss."""
    return _load(key, spec_json)


# Keyed by the checksum alone: a hit never reads the JSON. The lock is not held
# while a spec is restored; when two threads race, the first handle stored wins.
@cached(_CACHE, key=lambda key, spec_json: key, lock=threading.Lock())
def _load(key: str, spec_json: str) -> SpecHandle:
    spec, subprocess_specs = serializer.spec_from_json(spec_json)
    return SpecHandle(key, spec, subprocess_specs, spec_json)


def clear_spec_cache() -> None:
    """Forget every cached spec (tests; a version being deleted)."""
    _load.cache_clear()
