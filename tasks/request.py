"""What a story request may contain, checked before any work starts; and the genre presets.

Every check raises `BadRequest` with a one-line message the CLI prints as is.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import model_registry
from digiteller import settings

LANGUAGES = {"en": "English", "ru": "Russian"}
# Output frame size per aspect; pictures are painted at a quarter of it and upscaled 4x.
ASPECTS = {"16:9": (1280, 720), "16:9-1080": (1920, 1080), "9:16": (720, 1280), "1:1": (720, 720)}
MAX_PROMPT_CHARS = 500
MAX_SENTENCES = 40


class BadRequest(ValueError):
    """The request cannot be served as given; the message says what to change."""


@dataclass(frozen=True)
class Genre:
    name: str
    title: str
    sentences: int
    prompt: dict[str, str]  # language -> template with {prompt} and {sentences}
    voice: dict[str, str]  # language -> tts model name
    music: dict[str, Any]  # mood, key, mode, tempo [lo, hi], instruments
    visual: dict[str, Any]  # style, palette


def genre_names() -> list[str]:
    return sorted(p.stem for p in settings.GENRES_DIR.glob("*.toml"))


def load_genre(name: str) -> Genre:
    if name not in genre_names():
        raise BadRequest(f"unknown genre {name!r}; choose one of: {', '.join(genre_names())}")
    data = tomllib.loads((settings.GENRES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    return Genre(**data)


def clean_prompt(prompt: str) -> str:
    """The prompt as the model should see it: printable, single-spaced, length-bounded."""
    if not isinstance(prompt, str):
        raise BadRequest("the prompt must be text")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in prompt)
    text = " ".join(text.split())
    if not text:
        raise BadRequest("the prompt is empty; say what the story should be about")
    if len(text) > MAX_PROMPT_CHARS:
        raise BadRequest(f"the prompt is {len(text)} characters; keep it under {MAX_PROMPT_CHARS}")
    return text


def check_request(prompt: str, genre: str, language: str, sentences: int | None, aspect: str) -> tuple[str, Genre, int]:
    """Validate a story request; returns (clean prompt, genre preset, sentence count)."""
    text = clean_prompt(prompt)
    preset = load_genre(genre)
    if language not in LANGUAGES:
        raise BadRequest(f"unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}")
    if aspect not in ASPECTS:
        raise BadRequest(f"unknown aspect {aspect!r}; choose one of: {', '.join(ASPECTS)}")
    count = preset.sentences if sentences is None else sentences
    if not isinstance(count, int) or not 1 <= count <= MAX_SENTENCES:
        raise BadRequest(f"sentences must be between 1 and {MAX_SENTENCES}, not {sentences!r}")
    return text, preset, count


def check_models(language: str, voice: str, models: dict[str, str]) -> None:
    """Every chosen backend exists and is usable here, and the voice speaks the story's language."""
    for stage, name in [("tts", voice), *models.items()]:
        try:
            entry = model_registry.entry(stage, name)
        except model_registry.ModelUnavailable as exc:
            raise BadRequest(str(exc)) from None
        if problems := entry.problems():
            raise BadRequest(f"{stage} model {name} is unavailable here: {'; '.join(problems)}")
    if language not in model_registry.entry("tts", voice).languages:
        raise BadRequest(f"voice {voice!r} does not speak {LANGUAGES[language]}; see `digiteller voices`")


def credits(seed: int, voice: str, models: dict[str, str]) -> dict[str, Any]:
    """What a story records about how it was made: the seed and each stage's model (name, version, weights)."""
    chosen = {"text": models.get("text"), "tts": voice, "music": models.get("music"),
              "illustrate": models.get("illustrate"), "upscale": models.get("upscale")}
    return {"seed": seed, "voice": voice,
            "models": {stage: model_registry.identity(stage, name) for stage, name in chosen.items()}}


MAX_BATCH = 1000


def read_prompts(prompts_file: str | None, genre: str, count: int | None) -> list[str]:
    """A batch's prompts: one per line of `prompts_file` (blank lines and # comments skipped), else the
    genre's sample prompts; `count` takes the first N, cycling through the list if it is shorter."""
    load_genre(genre)
    path = Path(prompts_file).expanduser() if prompts_file else settings.PROMPTS_DIR / f"{genre}.txt"
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise BadRequest(f"prompts file {path} does not exist") from None
    except IsADirectoryError:
        raise BadRequest(f"prompts file {path} is a folder") from None
    except UnicodeDecodeError as exc:
        raise BadRequest(f"prompts file {path} is not UTF-8 text (byte {exc.start})") from None
    prompts = [clean_prompt(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not prompts:
        raise BadRequest(f"prompts file {path} has no prompts")
    if count is not None:
        if not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
            raise BadRequest(f"count must be between 1 and {MAX_BATCH}, not {count!r}")
        prompts = [prompts[i % len(prompts)] for i in range(count)]
    if len(prompts) > MAX_BATCH:
        raise BadRequest(f"a batch holds at most {MAX_BATCH} prompts, the file has {len(prompts)}")
    return prompts
