"""What the story writer says to the model: the genre's request, then its own lines (the system prompt,
how to finish a story, how to describe it for the pictures), read from data/writing/<language>.toml so
wording changes are data, not code. The wording is part of write_story's cache key."""

from __future__ import annotations

import functools
import tomllib

from core import settings
from tasks.request import Genre

Messages = list[dict[str, str]]
WRITING_DIR = settings.DATA_DIR / "writing"


@functools.cache
def wording(language: str) -> dict:
    """data/writing/<language>.toml: system, finish, ending, retell, describe, labels."""
    return tomllib.loads((WRITING_DIR / f"{language}.toml").read_text("utf-8"))


def build_messages(prompt: str, genre: Genre, language: str, count: int) -> Messages:
    """The request for a story of `count` sentences about `prompt`, in the genre's words."""
    instruction = genre.prompt[language].format(prompt=prompt, sentences=count)
    return [{"role": "system", "content": wording(language)["system"]}, asked(instruction)]


def said(text: str) -> dict[str, str]:
    """A turn of the model's (what it wrote, given back as context)."""
    return {"role": "assistant", "content": text}


def asked(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}
