"""The one place that knows models.

    backend = model_registry.get("tts", "joe")      # loaded once per process, thread-safe
    model_registry.identity("tts", "joe")           # what cached outputs depend on; loads nothing
    model_registry.release("text")                  # its memory goes back (a story's writer, once written)
    with model_registry.held("text"): ...           # ... unless a batch keeps it for its next story
    with model_registry.restored(): register(...)   # plug-ins for one piece of work (tests' fakes)

Stages: `text` (story writer LM), `tts` (narration voices), `music`, `illustrate`, `upscale`,
`asr` (speech recognition that judges the narration).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from model_registry.catalogue import Entry, ModelUnavailable, default_catalogue

__all__ = ["Entry", "ModelUnavailable", "entries", "entry", "get", "held", "identity", "preload", "register",
           "release", "restored"]

_lock = threading.Lock()
_entries: dict[tuple[str, str], Entry] | None = None
_loaded: dict[tuple[str, str], Any] = {}
_loading: dict[tuple[str, str], threading.Lock] = {}
_fell_back: set[tuple[str, str]] = set()
_holds: Counter[tuple[str, str]] = Counter()


def _catalogue() -> dict[tuple[str, str], Entry]:
    global _entries
    with _lock:
        if _entries is None:
            _entries = {(e.stage, e.name): e for e in default_catalogue()}
        return _entries


def entries(stage: str | None = None) -> list[Entry]:
    return [e for e in _catalogue().values() if stage is None or e.stage == stage]


def entry(stage: str, name: str | None = None) -> Entry:
    """The named entry, or the stage's default when `name` is None; where this CPU lacks what the entry's
    native build needs, its fallback (said once, on the progress log)."""
    catalogue = _catalogue()
    if name is None:
        defaults = [e for e in catalogue.values() if e.stage == stage and e.default]
        if not defaults:
            raise ModelUnavailable(f"no default model for stage {stage!r}")
        chosen = defaults[0]
    else:
        try:
            chosen = catalogue[(stage, name)]
        except KeyError:
            known = ", ".join(sorted(n for s, n in catalogue if s == stage)) or "none"
            raise ModelUnavailable(f"unknown {stage} model {name!r} (known: {known})") from None
    if chosen.fallback and (missing := chosen.missing_cpu_flags()):
        if (stage, chosen.name) not in _fell_back:
            _fell_back.add((stage, chosen.name))
            logging.getLogger("digiteller.progress").warning(
                "%s needs %s, which this CPU lacks; using %s instead (slower)", chosen.name, ", ".join(missing),
                chosen.fallback)
        return entry(stage, chosen.fallback)
    return chosen


def identity(stage: str, name: str | None = None) -> dict[str, Any]:
    return entry(stage, name).identity


def register(new: Entry) -> None:
    """Add or replace an entry for this process (user plug-ins, and fakes in tests)."""
    catalogue = _catalogue()
    with _lock:
        catalogue[(new.stage, new.name)] = new
        _loaded.pop((new.stage, new.name), None)


@contextmanager
def restored() -> Iterator[None]:
    """Whatever is registered inside the block is forgotten after it: the catalogue (and what is loaded
    of it) is as it was before. For plug-ins that live for one piece of work (the tests' fakes)."""
    catalogue = _catalogue()
    with _lock:
        before = dict(catalogue)
    try:
        yield
    finally:
        with _lock:
            changed = {key for key in set(catalogue) | set(before) if catalogue.get(key) is not before.get(key)}
            catalogue.clear()
            catalogue.update(before)
            for key in changed:
                _loaded.pop(key, None)


def get(stage: str, name: str | None = None) -> Any:
    """The loaded backend; the first caller loads it while concurrent callers wait for that load."""
    chosen = entry(stage, name)
    key = (chosen.stage, chosen.name)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        load_lock = _loading.setdefault(key, threading.Lock())
    with load_lock:
        with _lock:
            if key in _loaded:
                return _loaded[key]
        problems = chosen.problems()
        if problems:
            raise ModelUnavailable(f"{stage} model {chosen.name} unavailable: " + "; ".join(problems))
        backend = _adapter_class(chosen)(chosen)
        with _lock:
            _loaded[key] = backend
        return backend


def release(stage: str, name: str | None = None) -> bool:
    """Forget the loaded backend, so its memory goes back once its last user is done with it (the story
    writer's 1.2 GB, before the pictures and the render need theirs); a later `get` loads it again. Not
    while `held`. True if it was dropped."""
    key = (chosen := entry(stage, name)).stage, chosen.name
    with _lock:
        return not _holds[key] and _loaded.pop(key, None) is not None


@contextmanager
def held(stage: str, name: str | None = None) -> Iterator[None]:
    """Keep a backend loaded for the block once loaded, whoever asks to `release` it: a batch that runs
    many stories in one process loads its writer once."""
    key = (chosen := entry(stage, name)).stage, chosen.name
    with _lock:
        _holds[key] += 1
    try:
        yield
    finally:
        with _lock:
            _holds[key] -= 1


def preload(*wanted: tuple[str, str | None]) -> threading.Thread:
    """Start loading backends ((stage, name) pairs, one after the other) in the background, so they load
    while other start-up work runs; a later `get` waits for its load. A failed load is left for that
    `get` to raise and report."""

    def load() -> None:
        for stage, name in wanted:
            try:
                get(stage, name)
            except Exception:  # noqa: BLE001 - reported by the `get` that needs the model
                pass

    thread = threading.Thread(target=load, name="preload", daemon=True)
    thread.start()
    return thread


def _adapter_class(chosen: Entry) -> type:
    if isinstance(chosen.adapter, type):
        return chosen.adapter
    module, _, name = chosen.adapter.partition(":")
    return getattr(importlib.import_module(module), name)
