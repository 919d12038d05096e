"""render: narration + pictures + music on the story's timeline -> story.mp4 with burned-in subtitles,
story.srt, story.vtt, story.json and the contact sheet (the parts are in tasks/rendering/)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from core.audio import write_wav
from core.contracts import Artifact, Story, Timeline, as_json
from tasks.artifacts import load_artifact, new_artifact, stage_task
from tasks.rendering.encode import encode
from tasks.rendering.frames import Scene, card, fitted, frame_at
from tasks.rendering.mix import MIX_RATE, mix
from tasks.rendering.record import contact_sheet, story_record
from tasks.rendering.subtitles import Caption, sidecars
from tasks.shots import read_shots

END_TEXT = {"en": "The End", "ru": "Конец"}


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
    scenes = [Scene(card(size, palette, story.title), 0.0, Timeline.TITLE_SECONDS)]
    for i, (picture, cue) in enumerate(zip(pictures, timeline.cues)):
        scenes.append(Scene(fitted(picture.path("picture.png"), size), cue.start, cue.end, motion=i,
                            caption=Caption.draw(story.sentences[i], size), cue=(cue.voice_start, cue.voice_end)))
    scenes.append(Scene(card(size, palette, END_TEXT[story.language]), timeline.cues[-1].end, timeline.total))
    with new_artifact("render") as out, tempfile.TemporaryDirectory() as work:
        soundtrack = Path(work) / "mix.wav"
        write_wav(soundtrack, mix([n.path("speech.wav") for n in narrations], music.path("music.wav"), timeline),
                  MIX_RATE)
        encode(lambda t: frame_at(scenes, t, size, timeline.total), size, soundtrack, timeline.total,
               out.path("story.mp4"))
        srt, vtt = sidecars(story.sentences, timeline)
        out.path("story.srt").write_text(srt, "utf-8")
        out.path("story.vtt").write_text(vtt, "utf-8")
        contact_sheet([p.path("picture.png") for p in pictures]).save(out.path("contact_sheet.png"))
        drawn = [(load_artifact("illustrate", p.meta["source"]) or p).meta.get("assets", []) for p in pictures]
        report = story_record(story, timeline, narrations, pictures, music, read_shots(plan), drawn, size, credits,
                              out.key)
        out.path("story.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        return out.commit(duration=timeline.total)
