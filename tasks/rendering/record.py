"""What a rendered story keeps beside its video: story.json (the text with every sentence's timing, the
bible and look, the writer's plan and what its review still found, how it was made, every stage's
artifact key, the model's drafts, the shot plan with what each picture drew, the art credits) and the
contact sheet (one thumbnail per picture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from core.contracts import Artifact, Shot, Story, Timeline, as_json
from model_registry.pictures import library
from tasks.rendering.frames import FPS


def contact_sheet(pictures: list[Path], most_columns: int = 4, thumb: int = 320) -> Image.Image:
    """The pictures in rows as even as they come (3 in one row, 6 in two rows of 3, 8 in two of 4)."""
    rows = -(-len(pictures) // most_columns)
    columns = -(-len(pictures) // rows)
    thumbs = []
    for path in pictures:
        with Image.open(path) as image:
            thumbs.append(image.convert("RGB").resize((thumb, thumb * image.height // image.width)))
    sheet = Image.new("RGB", (columns * thumb, rows * thumbs[0].height), (20, 20, 20))
    for i, image in enumerate(thumbs):
        sheet.paste(image, ((i % columns) * thumb, (i // columns) * image.height))
    return sheet


def narration_quality(checks: list[dict | None]) -> dict:
    """Story-level figures from the narration checks (when they ran): mean WER and subtitle sync error."""
    done = [c for c in checks if c]
    if not done:
        return {}
    syncs = [c["subtitle_sync_error"] for c in done if c["subtitle_sync_error"] is not None]
    return {"narration_word_error_rate": round(sum(c["word_error_rate"] for c in done) / len(done), 3),
            "subtitle_sync_error_seconds": round(sum(syncs) / len(syncs), 3) if syncs else None}


def story_record(story: Story, timeline: Timeline, narrations: list[Artifact], pictures: list[Artifact],
                 music: Artifact, shots: tuple[Shot, ...], drawn: list[list[str]], size: tuple[int, int],
                 credits: dict[str, Any], render_key: str) -> dict[str, Any]:
    """story.json's contents. `drawn` is what each picture drew (library ids or emoji), `credits` the
    request's seed and the models used per stage."""
    checks = [n.meta.get("quality") for n in narrations]
    return {
        "title": story.title, "language": story.language, "genre": story.genre,
        "sentences": [
            {"text": text, "mood": mood, "start": cue.start, "voice_start": cue.voice_start,
             "voice_end": cue.voice_end, "end": cue.end} | ({"narration_check": check} if check else {})
            for text, mood, cue, check in zip(story.sentences, story.moods, timeline.cues, checks)
        ],
        **narration_quality(checks),
        "duration": timeline.total, "size": list(size), "fps": FPS, "bible": as_json(story.bible),
        "look": as_json(story.look), "story_model": story.model,
        "plan": as_json(story.plan) if story.plan else None,  # what the story was told from
        "findings": list(story.findings),  # what the writer's review still found in the kept telling
        **credits,
        "artifacts": {  # cache key (folder) and content sha256 of each stage's output
            "write_story": {"key": story.artifact.key, "sha256": story.artifact.digest},
            "narrate": [{"key": n.key, "sha256": n.digest} for n in narrations],
            "illustrate": [{"key": p.meta["source"]} for p in pictures],
            "upscale": [{"key": p.key, "sha256": p.digest} for p in pictures],
            "compose_music": {"key": music.key, "sha256": music.digest},
            "render": {"key": render_key},
        },
        "drafts": list(story.drafts),
        "shots": [as_json(shot) | {"drawn": assets} for shot, assets in zip(shots, drawn)],
        "art_credits": library.credits([asset for assets in drawn for asset in assets]),
    }
