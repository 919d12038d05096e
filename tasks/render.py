"""render: narration + pictures + music on the story's timeline -> story.mp4 with burned-in subtitles,
story.srt, story.vtt, story.json and the contact sheet (the parts are in tasks/rendering/)."""

from __future__ import annotations

import json
import logging
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from core.audio import read_wav, write_wav
from core.contracts import Artifact, Cue, Story, Timeline, as_json
from model_registry.pictures.player import ShotPlayer
from tasks.artifacts import load_artifact, new_artifact, stage_task
from tasks.illustrate import read_layers
from tasks.rendering.encode import encode_audio, encode_video, mux
from tasks.rendering.frames import FPS, Scene, card, frame_at
from tasks.rendering.mix import MIX_RATE, mix
from tasks.rendering.record import contact_sheet, story_record
from tasks.rendering.subtitles import Caption, sidecars
from tasks.shots import read_shots

END_TEXT = {"en": "The End", "ru": "Конец"}
log = logging.getLogger("digiteller.progress")


class Clock:
    """Where render's time goes: seconds per part (the mix runs beside the frames), and the wall time."""

    def __init__(self):
        self.started, self.parts = time.perf_counter(), {}

    def timed(self, part: str, work):
        began = time.perf_counter()
        result = work()
        self.parts[part] = time.perf_counter() - began
        return result

    def wall(self) -> float:
        return time.perf_counter() - self.started

    def __str__(self) -> str:
        return ", ".join(f"{part} {seconds:.1f} s" for part, seconds in self.parts.items())


def _player(layers: Artifact, narration: Artifact, cue: Cue, size: tuple[int, int], index: int):
    """What makes shot `index`'s player when it comes on screen: its upscaled layers over the cue (and the
    crossfades either side), its hero bobbing with the narration's loudness."""

    def make() -> ShotPlayer:
        with Image.open(layers.path("plate.png")) as plate:
            near = Image.open(layers.path("near.png")) if "near.png" in layers.files else None
            return ShotPlayer(read_layers(layers), plate.convert("RGB"), near, size, cue.end - cue.start,
                              seed=index, loudness=loudness(narration, cue))

    return make


def loudness(narration: Artifact, cue: Cue) -> np.ndarray:
    """The narration's loudness per video frame from the cue's start (0 before the voice), 0-1."""
    samples, rate = read_wav(narration.path("speech.wav"))
    mono = samples if samples.ndim == 1 else samples.mean(axis=1)
    step = rate // FPS
    frames = len(mono) // step
    rms = np.sqrt(np.mean(mono[:frames * step].reshape(frames, step) ** 2, axis=1)) if frames else np.zeros(0)
    level = np.clip(rms / max(1e-6, float(np.percentile(rms, 95))), 0, 1) if frames else rms
    lead = np.zeros(round((cue.voice_start - cue.start) * FPS))
    return np.concatenate([lead, level])


def _depends_on(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact,
                plan: Artifact, timeline: Timeline, size: tuple[int, int], credits: dict) -> dict:
    return {"story": story.artifact.digest, "narrations": [n.digest for n in narrations],
            "pictures": [p.digest for p in pictures], "music": music.digest, "shots": plan.digest,
            "timeline": as_json(timeline), "size": list(size), "credits": credits}


@stage_task("render", _depends_on, run_name="render", retries=1)
def render(story: Story, narrations: list[Artifact], pictures: list[Artifact], music: Artifact, plan: Artifact,
           timeline: Timeline, size: tuple[int, int], credits: dict[str, Any]) -> Artifact:
    """`credits` (the request's seed and the models used per stage) goes into story.json as given."""
    palette = story.look.palette
    scenes = [Scene(0.0, Timeline.TITLE_SECONDS, still=card(size, palette, story.title))]
    for i, (picture, narration, cue) in enumerate(zip(pictures, narrations, timeline.cues)):
        scenes.append(Scene(cue.start, cue.end, play=_player(picture, narration, cue, size, i),
                            caption=Caption.draw(story.sentences[i], size), cue=(cue.voice_start, cue.voice_end)))
    scenes.append(Scene(timeline.cues[-1].end, timeline.total,
                        still=card(size, palette, END_TEXT[story.language])))
    with new_artifact("render") as out, tempfile.TemporaryDirectory() as work, ThreadPoolExecutor(1) as mixer:
        soundtrack, audio, video = Path(work) / "mix.wav", Path(work) / "audio.mp4", Path(work) / "video.mp4"
        clock = Clock()

        def sound() -> None:
            clock.timed("mix", lambda: write_wav(soundtrack, mix([n.path("speech.wav") for n in narrations],
                                                                 music.path("music.wav"), timeline), MIX_RATE))
            clock.timed("audio encode", lambda: encode_audio(soundtrack, audio))

        mixed = mixer.submit(sound)
        clock.timed("frames+encode", lambda: encode_video(lambda t: frame_at(scenes, t, timeline.total), size,
                                                           timeline.total, video))
        mixed.result()
        clock.timed("mux", lambda: mux(video, audio, timeline.total, out.path("story.mp4")))
        log.info("render: %s; %.1fx real time", clock, timeline.total / clock.wall())
        srt, vtt = sidecars(story.sentences, timeline)
        out.path("story.srt").write_text(srt, "utf-8")
        out.path("story.vtt").write_text(vtt, "utf-8")
        painted = [load_artifact("illustrate", p.meta["source"]) for p in pictures]
        contact_sheet([p.path("picture.png") for p in painted]).save(out.path("contact_sheet.png"))
        drawn = [p.meta.get("assets", []) for p in painted]
        report = story_record(story, timeline, narrations, pictures, music, read_shots(plan), drawn, size, credits,
                              out.key)
        out.path("story.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        return out.commit(duration=timeline.total)
