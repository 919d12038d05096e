"""The typed values that pass between stages: what one stage makes and the next one reads.

    write_story ──Story(bible, look)──> narrate, plan_shots ──Shot per sentence──> illustrate, render
    narrate ──durations──> Timeline (the flow, once) ──> compose_music (MusicBrief, its length), render

Every floor reads them (the painter in model_registry reads a Bible, a Look and a Shot), so they live at
the bottom. They are frozen dataclasses: a stage cannot change what another one made, and each turns
into JSON (`as_json`) for the artifact store and back (`from_json`) without a hand-written parser.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import settings
from core.hashing import content_key

RGB = tuple[int, int, int]


def as_json(value: Any) -> Any:
    """A contract (or a tuple or dict of them) as plain JSON-able data."""
    if dataclasses.is_dataclass(value):
        return {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, (tuple, list)):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value


def from_json(kind: Any, data: Any) -> Any:
    """Data written by `as_json` back into `kind` (a contract class, `tuple[X, ...]`, `X | None`...)."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if data is None:
        return None
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: from_json(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.repr and f.name in data})
    if origin is tuple:
        items = args[:1] * len(data) if args[1:] == (Ellipsis,) else args
        return tuple(from_json(item, value) for item, value in zip(items, data))
    if origin in (typing.Union, types.UnionType):
        return from_json(next(a for a in args if a is not type(None)), data)
    if origin is dict:
        return {key: from_json(args[1], value) for key, value in data.items()}
    return data


def hex_colour(colour: str) -> RGB:
    text = colour.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


@dataclass(frozen=True)
class Artifact:
    """Files one stage produced for one input, as stored (tasks/artifacts.py): what stage tasks return."""

    stage: str
    key: str
    files: dict[str, str]  # file name -> sha256
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def dir(self) -> Path:
        return settings.artifacts_dir() / self.stage / self.key

    def path(self, name: str) -> Path:
        if name not in self.files:
            raise KeyError(f"{self.stage} artifact {self.key[:12]} has no file {name!r}")
        return self.dir / name

    @property
    def digest(self) -> str:
        """Identity of the content: what a downstream stage's cache key depends on."""
        return content_key(self.files, self.meta)


@dataclass(frozen=True)
class Look:
    """How a genre's pictures look: its style in words, its palette, and where a picture is set when
    neither the sentence nor the story says."""

    style: str
    palette: tuple[RGB, ...]
    scenery: str


@dataclass(frozen=True)
class Bible:
    """What every picture keeps: who the hero is and how they look, where the story happens (one line
    each, written by the model, or the prompt when its lines were unusable), the prompt, and who wrote
    the lines: the model's name, or "prompt"."""

    hero: str
    setting: str
    prompt: str
    written_by: str


@dataclass(frozen=True)
class Plan:
    """A story's plan, which the model writes before the story and tells it from: its title, its hero (a
    name, who they are, how they look) and setting (the bible the pictures follow), and its beats (empty
    where the prompt stood in for a plan the model could not write)."""

    title: str
    hero: str
    setting: str
    wants: str  # what the hero wants
    problem: str  # what stands in the way
    turn: str  # what changes everything
    ending: str


@dataclass(frozen=True)
class MusicBrief:
    """What the score must be: a genre's mood, key and mode, tempo range and [lead, bass, pad] instruments."""

    mood: str
    key: str
    mode: str
    tempo: tuple[int, int]
    instruments: tuple[str, ...] = ()

    @property
    def bpm(self) -> float:
        return sum(self.tempo) / 2


@dataclass(frozen=True)
class Story:
    """A written story: its sentences (each one narrated and illustrated), a mood per sentence, the bible
    and look its pictures follow, the plan it was told from, what its checks still found in it, and every
    generation the model made on the way (`drafts`: {"purpose": plan|story|finish|ending|rewrite, "asked":
    lines it was to write, "text", "ran_on"})."""

    title: str
    sentences: tuple[str, ...]
    moods: tuple[str, ...]
    bible: Bible
    look: Look
    language: str
    genre: str
    model: str
    drafts: tuple[dict[str, Any], ...] = ()
    plan: Plan | None = None
    findings: tuple[str, ...] = ()
    artifact: Artifact | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Thing:
    """Something a picture shows besides the hero: its emoji, where a scene puts it (being, large, small,
    sky), its name and the illustration library's art for it (None: the emoji itself is drawn)."""

    glyph: str
    kind: str
    name: str
    asset: str | None = None


@dataclass(frozen=True)
class Figure:
    """The hero as one picture draws it: the library art, its pose, where it stands (a share of the
    frame's width), which way it faces, its colour (for a silhouette) and its emoji."""

    asset: str
    pose: str
    x: float
    facing: str
    tint: RGB
    glyph: str


@dataclass(frozen=True)
class Group:
    """Several alike figures ("the crew"): their art and how many."""

    asset: str
    count: int


@dataclass(frozen=True)
class Shot:
    """What one sentence's picture shows (plan_shots makes it, the painter paints it, render records it)."""

    index: int
    place: str  # a room, a kitchen, a cave, a deck, a station, or a landscape (forest, sea, ...)
    indoors: bool
    landscape: str  # the landscape painted behind or around the place
    time: str  # day, dawn, dusk, night
    weather: str | None
    action: str  # what the hero does (walk, run, paint, ...; "stand" when nothing is said)
    feeling: str | None
    framing: str  # wide, medium, close
    hero: Figure
    group: Group | None = None
    others: tuple[Thing, ...] = ()  # whom the hero meets
    things: tuple[Thing, ...] = ()  # what the sentence names
    props: tuple[Thing, ...] = ()  # the tool in hand and the thing being made
    furniture: tuple[Thing, ...] = ()


@dataclass(frozen=True)
class Cue:
    """One sentence on screen: its picture from `start` to `end`, its voice (and subtitle) between."""

    start: float
    voice_start: float
    voice_end: float
    end: float


@dataclass(frozen=True)
class Timeline:
    """The story's timeline, fixed by the narration: a title card, one cue per sentence, an end card.
    The flow computes it once; music takes its length and render its cues, so cuts, subtitles and the
    score agree to the sample."""

    cues: tuple[Cue, ...]
    total: float

    TITLE_SECONDS: typing.ClassVar[float] = 2.5
    END_SECONDS: typing.ClassVar[float] = 2.5
    LEAD_SECONDS: typing.ClassVar[float] = 0.2  # picture before the voice starts
    TAIL_SECONDS: typing.ClassVar[float] = 0.5  # picture after the voice ends

    @classmethod
    def of(cls, durations: list[float] | tuple[float, ...]) -> Timeline:
        """The timeline of narrations that last `durations` seconds."""
        cues, t = [], cls.TITLE_SECONDS
        for duration in durations:
            voice = t + cls.LEAD_SECONDS
            cue = Cue(t, voice, voice + duration, voice + duration + cls.TAIL_SECONDS)
            cues.append(cue)
            t = cue.end
        return cls(tuple(cues), round(t + cls.END_SECONDS, 6))


@dataclass(frozen=True)
class Sprite:
    """Something drawn over a moving shot's land: a figure, an animal, a thing, furniture.

    Positions are shares of the frame: `x` where its bottom centre stands when the shot starts (in its
    layer, which the camera's pan moves by `depth`: far 0.4, mid 0.7, near 1), `ground` where its feet
    are (past 1.0 the frame cuts it: a close shot), `height` how tall it is. `motion` says how it moves
    (model_registry/pictures/motion.py): its loop or a breath, a sway or a bob, and `speed` how far it
    travels each second (shares of the frame's width, + to the right) at its stride.
    """

    asset: str  # an illustration-library id ("fluentui/person-walking"), else an emoji
    x: float
    ground: float
    height: float
    depth: float = 1.0
    mirrored: bool = False
    motion: str = "still"
    speed: float = 0.0
    lift: float = 0.0  # how far above the ground it floats or flies, share of its height
    tint: RGB | None = None  # a one-colour silhouette's colour
    role: str = "thing"  # hero | other | group | thing | prop | furniture | badge | sky
    art: str = ""  # its 3D art upscaled for its size, in the models cache (pictures/sharp.py), else ""


@dataclass(frozen=True)
class Effect:
    """Weather and light over a moving shot: rain, snow, storm, fog, twinkling stars, fireflies, a falling
    star, bubbles, dust; or a glow at (x, y) of `size` (shares of the frame) around a lantern or magic; or a
    station's moving parts at (x, y): its porthole (`size`: the radius, a share of the frame's height), a
    read-out screen (`size`: its height) and a row of console lights (x: the first; `size`: the spacing, a
    share of the frame's width); or open water from y down `size` (its light glints and drifts); or a
    room's window at night at (x, y), its stars twinkling (its size is sets.WINDOW)."""

    kind: str
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0


@dataclass(frozen=True)
class Layers:
    """A moving shot as the painter lays it out: a background plate (sky and far land, or the room's back
    wall) and a near strip (the ground in front), both `1 + pan margin` frames wide; the sprites between
    and over them; the effects; how far and which way the camera pans (shares of the frame's width over
    the shot); and a grade every sprite gets, so drawn-later art matches the painted light."""

    sprites: tuple[Sprite, ...] = ()
    effects: tuple[Effect, ...] = ()
    pan: float = 0.0
    view: float = 0.0  # where the camera looks off the set's middle (shares of the frame's width): shots set
    # in one place see it from different sides
    margin: float = 0.0  # how much wider than the frame the plate and the strip are painted
    horizon: float = 0.58  # where the near strip starts, share of the frame's height
    grade: tuple[float, float, float] = (1.0, 1.0, 1.0)  # the light's colour multiplier for sprites
    hero: int | None = None  # which sprite is the hero
    wraps: bool = True  # the plate and strip tile sideways (landscapes); a room's walls stop the pan
