"""What every story-writing model does the same way, whatever runs it: one generation at a time, each new
piece of text handed to a callback as it is written, and stopped as soon as the caller has what it needs
(so no token is generated only to be thrown away)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from model_registry.catalogue import Entry

Messages = list[dict[str, str]]


class TextModel:
    """`generate(messages, seed=...)` -> the assistant's reply; `choose(messages, options)` -> one of them.
    Subclasses implement `_stream` and `_choose`."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self._lock = threading.Lock()  # one generation at a time: seeds and caches stay per request

    def generate(self, messages: Messages, *, seed: int, max_new_tokens: int = 400, temperature: float = 0.8,
                 top_p: float = 0.95, on_text: Callable[[str], None] | None = None,
                 stop: Callable[[str], bool] | None = None, reuse: bool = False) -> str:
        """Sample a reply to a chat. `on_text` gets every new piece as it is written; when `stop(reply so
        far)` is true, generation ends there and the reply ends with the piece that made it true. `reuse`
        lets a runtime keep what it computed of the previous request's beginning where this one begins
        the same (same requests in the same order: same replies)."""
        pieces: list[str] = []

        def take(piece: str) -> bool:
            pieces.append(piece)
            if on_text:
                on_text(piece)
            return bool(stop and stop("".join(pieces)))

        with self._lock:
            self._stream(messages, seed=seed, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                         take=take, reuse=reuse)
        return "".join(pieces)

    def choose(self, messages: Messages, options: list[str], *, reuse: bool = False) -> str:
        """The one of `options` the model would rather reply, found greedily (the same every time): for
        where a dictionary knows what a reply may say and only the model knows which the story means (the
        words a misspelt one may have been). `reuse` as for `generate`."""
        with self._lock:
            return self._choose(messages, options, reuse=reuse)

    def remember(self, messages: Messages, name: str) -> None:
        """Have the beginning of a conversation ready, so the requests that begin with it (`reuse`) start
        after it: a runtime that can keeps it on disk under `name` and never evaluates it again; the others
        evaluate as they go. The same either way, every time: a story's requests always begin from it."""
        with self._lock:
            self._remember(messages, name)

    def _remember(self, messages: Messages, name: str) -> None:
        """Keep `messages` evaluated (a runtime without a prompt cache has nothing to do)."""

    def _choose(self, messages: Messages, options: list[str], *, reuse: bool) -> str:
        raise NotImplementedError

    def _stream(self, messages: Messages, *, seed: int, max_new_tokens: int, temperature: float, top_p: float,
                take: Callable[[str], bool], reuse: bool = False) -> None:
        """Generate, calling `take(piece)` for each piece of text; stop as soon as it returns True. A runtime
        without a prompt cache ignores `reuse`."""
        raise NotImplementedError
