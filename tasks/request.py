"""A story request, built and checked once at the edge (the CLI, a batch's prompts file, a deployment's
parameters) before any work starts, and the genre presets it names.

    request = StoryRequest(prompt="a fox who finds a lost lantern", genre="fairy-tale")
    request.sentences, request.voice        # resolved from the genre: 8, "joe"

Constructing a `StoryRequest` checks it (and fills in the genre's defaults), so a flow that is handed
one trusts it; Prefect builds one the same way from a deployment run's JSON parameters. Every check
raises `BadRequest` with a one-line message the CLI prints as is.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import model_registry
from core import settings
from core.contracts import Look, MusicBrief, hex_colour

LANGUAGES = {"en": "English", "ru": "Russian"}
# Output frame size per aspect; pictures are painted at a quarter of it and upscaled 4x.
ASPECTS = {"16:9": (1280, 720), "16:9-1080": (1920, 1080), "9:16": (720, 1280), "1:1": (720, 720)}
MAX_PROMPT_CHARS = 500
MAX_SENTENCES = 40
MAX_SEED = 2**31 - 1  # seeds of every backend (torch, numpy, llama.cpp) take it, with room for retry offsets
MAX_BATCH = 1000
MAX_CONCURRENCY = 8


class BadRequest(ValueError):
    """The request cannot be served as given; the message says what to change."""


@dataclass(frozen=True)
class Genre:
    """A genre preset (data/genres/<name>.toml): its sentence count, what kind of story it is (`brief`, per
    language), how the writer samples it, the example plan and story the model is shown, the voice per
    language, the music and the look of its pictures."""

    name: str
    title: str
    sentences: int
    brief: dict[str, str]  # language -> "a gentle fairy tale for children about {prompt}, ..."
    writing: dict[str, Any]  # candidates, temperature, top_p
    example: dict[str, dict[str, str]]  # language -> {prompt, plan, story}
    voice: dict[str, str]  # language -> tts model name
    music: MusicBrief
    look: Look


def genre_names() -> list[str]:
    return sorted(p.stem for p in settings.GENRES_DIR.glob("*.toml"))


def load_genre(name: str) -> Genre:
    if name not in genre_names():
        raise BadRequest(f"unknown genre {name!r}; choose one of: {', '.join(genre_names())}")
    data = tomllib.loads((settings.GENRES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    music, visual = data.pop("music"), data.pop("visual")
    return Genre(**data, music=MusicBrief(music["mood"], music["key"], music["mode"], tuple(music["tempo"]),
                                          tuple(music.get("instruments", ()))),
                 look=Look(visual["style"], tuple(map(hex_colour, visual["palette"])), visual.get("setting", "")))


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


def check_language(language: str) -> str:
    """`language` if stories can be told in it ("en", "ru")."""
    if language not in LANGUAGES:
        raise BadRequest(f"unknown language {language!r}; choose one of: {', '.join(LANGUAGES)}")
    return language


def check_number(value: Any, name: str, low: int, high: int) -> int:
    """`value` if it is a whole number from `low` to `high`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, not {value!r}")
    return value


@dataclass(frozen=True)
class StoryRequest:
    """One story to make: checked, with the genre's defaults filled in, when it is constructed."""

    prompt: str
    genre: str = "fairy-tale"
    language: str = "en"
    sentences: int | None = None  # None: the genre's
    seed: int = 0
    aspect: str = "16:9"
    out: str | None = None  # the story folder (None: outputs/stories/<title>)
    voice: str | None = None  # None: the genre's voice for the language
    models: dict[str, str] = field(default_factory=dict)  # stage -> catalogue name, for the stages not left default
    check_narration: bool = False

    def __post_init__(self) -> None:
        prompt = clean_prompt(self.prompt)
        preset = load_genre(self.genre)
        check_language(self.language)
        if self.aspect not in ASPECTS:
            raise BadRequest(f"unknown aspect {self.aspect!r}; choose one of: {', '.join(ASPECTS)}")
        sentences = preset.sentences if self.sentences is None else self.sentences
        check_number(sentences, "sentences", 1, MAX_SENTENCES)
        check_number(self.seed, "seed", 0, MAX_SEED)
        if not isinstance(self.models, dict) or not all(isinstance(v, str) for v in self.models.values()):
            raise BadRequest(f"models must map stages to model names, not {self.models!r}")
        voice = self.voice or preset.voice[self.language]
        check_models(self.language, voice, self.models)
        out = writable_folder(self.out, "story folder")
        for name, value in (("prompt", prompt), ("sentences", sentences), ("voice", voice),
                            ("out", str(out) if out else None)):
            object.__setattr__(self, name, value)  # the resolved value, so a rebuilt request is the same one

    @property
    def preset(self) -> Genre:
        return load_genre(self.genre)

    @property
    def size(self) -> tuple[int, int]:
        """The video's frame, in pixels."""
        return ASPECTS[self.aspect]

    def model(self, stage: str) -> str | None:
        """The catalogue name chosen for a stage, None for its default."""
        return self.models.get(stage)

    def credits(self) -> dict[str, Any]:
        """What a story records about how it was made: the seed and each stage's model (name, version,
        weights, code)."""
        chosen = {"text": self.model("text"), "tts": self.voice, "music": self.model("music"),
                  "illustrate": self.model("illustrate"), "upscale": self.model("upscale")}
        return {"seed": self.seed, "voice": self.voice,
                "models": {stage: model_registry.identity(stage, name) for stage, name in chosen.items()}}


@dataclass(frozen=True)
class BatchRequest:
    """Many stories, `concurrency` at once, into the folder `out`: one per prompt, each told as `story`
    says (its prompt and folder aside; `story` is the first prompt's request)."""

    story: StoryRequest
    prompts: tuple[str, ...]
    concurrency: int = 1
    out: str | None = None

    def __post_init__(self) -> None:
        check_number(self.concurrency, "concurrency", 1, MAX_CONCURRENCY)
        if not 1 <= len(self.prompts) <= MAX_BATCH:
            raise BadRequest(f"a batch holds 1 to {MAX_BATCH} prompts, not {len(self.prompts)}")
        object.__setattr__(self, "prompts", tuple(map(clean_prompt, self.prompts)))
        out = writable_folder(self.out, "batch folder")
        object.__setattr__(self, "out", str(out) if out else None)

    @classmethod
    def read(cls, prompts_file: str | None = None, count: int | None = None, concurrency: int = 1,
             out: str | None = None, **story: Any) -> BatchRequest:
        """A batch of the prompts in `prompts_file` (else the genre's samples), the first `count`, each
        story made with the `story` options of a StoryRequest (genre, language, sentences, ...)."""
        prompts = read_prompts(prompts_file, story.get("genre", "fairy-tale"), count, story.get("language", "en"))
        return cls(StoryRequest(prompt=prompts[0], **story), tuple(prompts), concurrency, out)

    def stories(self, folder: Path) -> list[StoryRequest]:
        """Each story's request, its folder numbered inside the batch's `folder`."""
        return [replace(self.story, prompt=prompt, out=str(folder / f"{number:03d}"))
                for number, prompt in enumerate(self.prompts, 1)]


def writable_folder(out: str | None, what: str = "output folder") -> Path | None:
    """`out` as an absolute path, if it is a folder we can write into or one we can create; None stays None.

    Checked by writing a probe file into the folder or its nearest existing parent, which also catches
    read-only filesystems and a root user's permissions, not only the mode bits.
    """
    if out is None:
        return None
    if not isinstance(out, str) or not out.strip() or "\x00" in out:
        raise BadRequest(f"the {what} must be a path, not {out!r}")
    path = Path(out).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise BadRequest(f"the {what} {path} is a file, not a folder")
    existing = next(parent for parent in (path, *path.parents) if parent.exists())
    if not existing.is_dir():
        raise BadRequest(f"the {what} {path} cannot be created: {existing} is a file")
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".digiteller-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise BadRequest(f"the {what} {path} is not writable ({exc.strerror or exc})") from None
    return path


def writable_file(target: str, what: str = "output file") -> Path:
    """`target` as an absolute path, if it is a file we can (re)write: not a folder, in a writable folder."""
    if not isinstance(target, str) or not target.strip() or "\x00" in target:
        raise BadRequest(f"the {what} must be a path, not {target!r}")
    path = Path(target).expanduser().resolve()
    if path.is_dir() or target.endswith(os.sep):
        raise BadRequest(f"the {what} {path} is a folder; name a file")
    writable_folder(str(path.parent), f"folder of the {what}")
    return path


STORY_STAGES = ("text", "music", "illustrate", "upscale")  # with the voice: every backend a story needs


def check_models(language: str, voice: str, models: dict[str, str], stages: tuple[str, ...] = STORY_STAGES) -> None:
    """Every backend `stages` need (the chosen one, else the default, and any other stage named in
    `models`) exists and is usable here, and the voice speaks the story's language."""
    chosen = {stage: models.get(stage) for stage in stages} | models
    for stage, name in [("tts", voice), *chosen.items()]:
        try:
            entry = model_registry.entry(stage, name)
        except model_registry.ModelUnavailable as exc:
            raise BadRequest(str(exc)) from None
        if problems := entry.problems():
            raise BadRequest(f"{stage} model {entry.name} is unavailable here: {'; '.join(problems)}")
    if language not in model_registry.entry("tts", voice).languages:
        raise BadRequest(f"voice {voice!r} does not speak {LANGUAGES[language]}; see `digiteller voices`")


def check_timezone(name: str) -> str:
    """An IANA timezone name the scheduler knows ("Europe/Berlin", "UTC")."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"unknown timezone {name!r}; use an IANA name such as Europe/Berlin or UTC") from None
    return name


def sample_prompts_file(genre: str, language: str) -> Path:
    """The genre's ten sample prompts in a language: data/prompts/<genre>.txt (English), <genre>.ru.txt."""
    return settings.PROMPTS_DIR / (f"{genre}.txt" if language == "en" else f"{genre}.{language}.txt")


def check_url(url: str, what: str = "URL") -> str:
    """An http(s) URL with a host."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise BadRequest(f"the {what} must be an http:// or https:// URL, not {url!r}")
    return url


def check_block_name(block: str) -> str:
    """A Prefect block as TYPE/NAME ("slack-webhook/team-alerts")."""
    block_type, _, name = block.partition("/")
    if not block_type or not name:
        raise BadRequest(f"name the notification block as TYPE/NAME (e.g. slack-webhook/team-alerts), not {block!r}")
    return block


def read_prompts(prompts_file: str | None, genre: str, count: int | None, language: str = "en") -> list[str]:
    """A batch's prompts: one per line of `prompts_file` (blank lines and # comments skipped), else the
    genre's sample prompts in `language`; `count` takes the first N, cycling through the list if it is
    shorter."""
    load_genre(genre)
    check_language(language)
    path = Path(prompts_file).expanduser() if prompts_file else sample_prompts_file(genre, language)
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
        check_number(count, "count", 1, MAX_BATCH)
        prompts = [prompts[i % len(prompts)] for i in range(count)]
    if len(prompts) > MAX_BATCH:
        raise BadRequest(f"a batch holds at most {MAX_BATCH} prompts, the file has {len(prompts)}")
    return prompts
