"""One story as one Prefect DAG.

    write_story ─┬─ narrate(i) ─────────────────────────────┬─ compose_music ─┐
                 └─ plan_shots ─ illustrate(i) ─ upscale(i) ─────────────────┴─ render ─ publish ─> story folder

Every task is cached by what its output depends on (see tasks/artifacts.py): a rerun of the same
story executes no model, and an edited sentence re-runs only that sentence's tasks, the music whose
length follows the narration, and the render.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_image_artifact, create_markdown_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from core import links, settings
from tasks.illustrate import illustrate
from tasks.music import compose_music
from tasks.narrate import narrate
from tasks.publish import OUTPUT_FILES, publish
from tasks.render import render
from tasks.request import ASPECTS, check_models, check_request, credits, writable_folder
from tasks.shots import plan_shots
from tasks.story import numbered, release_writer, write_story
from tasks.upscale import upscale

log = logging.getLogger("digiteller.progress")


class StageFailed(RuntimeError):
    """A stage failed for good (after its retries): which stage, which sentence (1-based; None for a
    stage of the whole story) and why."""

    def __init__(self, stage: str, sentence: int | None, reason: str):
        super().__init__(stage, sentence, reason)  # the constructor's arguments, so it pickles
        self.stage, self.sentence, self.reason = stage, sentence, reason

    def __str__(self) -> str:
        where = self.stage if self.sentence is None else f"{self.stage} for sentence {self.sentence}"
        return f"{where} failed: {self.reason}"


def wait_for_stages(futures: dict[PrefectFuture, tuple[str, int | None]]) -> None:
    """Report each task as it finishes; raise on the first failure, naming its stage and sentence."""
    done, total = 0, len(futures)
    for future in as_completed(list(futures)):
        future.wait()  # loads the final state
        stage, index = futures[future]
        sentence = None if index is None else index + 1
        if future.state.is_failed() or future.state.is_crashed():
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - re-raised with its stage named
                raise StageFailed(stage, sentence, f"{type(exc).__name__}: {exc}") from exc
        done += 1
        where = stage if sentence is None else f"{stage} for sentence {sentence}"
        log.info("%s done (%s) [%d/%d]", where, future.state.name, done, total)


def story_folder(title: str, out: Path | None) -> Path:
    if out:
        return out
    slug = re.sub(r"[^\w]+", "-", title.lower(), flags=re.UNICODE).strip("-")[:60] or "story"
    return settings.stories_dir() / slug


@flow(name="story", task_runner=ThreadPoolTaskRunner(max_workers=settings.workers()))
def story_flow(
    prompt: str,
    genre: str = "fairy-tale",
    language: str = "en",
    sentences: int | None = None,
    seed: int = 0,
    aspect: str = "16:9",
    out: str | None = None,
    voice: str | None = None,
    models: dict[str, str] | None = None,
    check_narration: bool = False,
) -> str:
    """Write, narrate, illustrate, score and render one story; returns the MP4's path.

    `models` picks a backend per stage by catalogue name ({"text": "smollm2-135m"}); `voice` overrides
    the genre's voice for the language. `check_narration` lets the offline Whisper judge re-take
    misheard English sentences and report word error rate and subtitle sync in story.json.
    """
    models = models or {}
    prompt, preset, count = check_request(prompt, genre, language, sentences, aspect, seed)
    folder = writable_folder(out, "story folder")
    width, height = ASPECTS[aspect]
    voice = voice or preset.voice[language]
    check_models(language, voice, models)

    story = write_story(prompt, preset, language, count, seed, models.get("text"))
    log.info("write_story done: %r, %d sentences", story.title, len(story.sentences))
    release_writer(models.get("text"))

    narrations = [narrate.submit(story, i, voice, check_narration) for i in range(count)]
    shots = plan_shots.submit(story)
    drafts = [illustrate.submit(story, shots, i, (width // 4, height // 4), seed, models.get("illustrate"))
              for i in range(count)]
    pictures = [upscale.submit(draft, i, models.get("upscale")) for i, draft in enumerate(drafts)]
    music = compose_music.submit(preset.music, narrations, seed, models.get("music"))

    stages = {music: ("compose_music", None), shots: ("plan_shots", None)}
    for name, futures in (("narrate", narrations), ("illustrate", drafts), ("upscale", pictures)):
        stages.update({future: (name, i) for i, future in enumerate(futures)})
    wait_for_stages(stages)

    video = render.submit(story, narrations, pictures, music, shots, (width, height), credits(seed, voice, models))
    wait_for_stages({video: ("render", None)})
    published = publish.submit(video, story_folder(story.title, folder))
    wait_for_stages({published: ("publish", None)})
    path = published.result()
    announce(story.title, story.sentences, story.bible, path)
    log.info("story ready: %s", path)
    return str(path)


def announce(title: str, sentences: tuple[str, ...], bible: dict[str, str], video: Path) -> None:
    """Prefect artifacts on the flow run, so the UI shows what was made: the text with the bible the
    pictures follow, and, when a story gallery is running, the contact sheet and links it serves (a
    browser will not load `file://` pictures into the UI's `http://` page)."""
    folder = video.parent
    gallery, story = links.gallery_url(), links.story_id(folder)
    text = numbered(sentences)
    looks = f"*Hero:* {bible['hero']} · *Setting:* {bible['setting'] or bible['scenery']}"
    if gallery and story:
        files = " · ".join(f"[{name}]({links.file_url(gallery, story, name)})" for name in OUTPUT_FILES)
        where = f"[Watch it in the story gallery]({links.story_url(gallery, story)}) · {files}"
        create_image_artifact(image_url=links.file_url(gallery, story, "contact_sheet.png"), key="contact-sheet",
                              description="one picture per sentence")
    else:
        why = "No story gallery is running" if story else "The story folder is outside DIGITELLER_HOME"
        where = (f"The story is in `{folder}`. {why}, so its video and pictures cannot show here; "
                 "`digiteller gallery` (or `digiteller server`) serves them.")
    create_markdown_artifact(markdown=f"# {title}\n\n{text}\n\n{looks}\n\n{where}\n", key="story",
                             description=f"story: {title}")
