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

import model_registry
from core import settings
from core.contracts import Story, Timeline
from flows import links
from model_registry.pictures import upscale_factor
from tasks.artifacts import RAN
from tasks.illustrate import illustrate
from tasks.music import compose_music
from tasks.narrate import narrate
from tasks.publish import OUTPUT_FILES, publish
from tasks.render import render
from tasks.request import StoryRequest
from tasks.shots import plan_shots
from tasks.story import release_writer, write_story
from tasks.upscale import upscale
from tasks.writing.cleanup import numbered

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
    """Report each task as it finishes, with the seconds it ran; raise on the first failure, naming its
    stage and sentence."""
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
        ran = RAN.pop(str(future.task_run_id), None)
        how = future.state.name if ran is None else f"{future.state.name}, {ran:.1f} s"
        log.info("%s done (%s) [%d/%d]", where, how, done, total)


def story_folder(title: str, out: str | None) -> Path:
    if out:
        return Path(out)
    slug = re.sub(r"[^\w]+", "-", title.lower(), flags=re.UNICODE).strip("-")[:60] or "story"
    return settings.stories_dir() / slug


# One thread per core, and two more: a task waiting for the one it follows holds a thread while it waits,
# and the music, submitted last (it needs the narration's length), had queued behind the upscales while a
# core sat idle (4.5 s of work done 14 s after it was submitted, the render waiting on it).
@flow(name="story", task_runner=ThreadPoolTaskRunner(max_workers=settings.workers() + 2))
def story_flow(request: StoryRequest) -> str:
    """Write, narrate, illustrate, score and render one story; returns the MP4's path.

    The request was checked when it was made (tasks/request.py), here or at the edge that made it.
    """
    story = write_story(request)
    log.info("write_story done: %r, %d sentences", story.title, len(story.sentences))
    release_writer(request.model("text"))

    count = len(story.sentences)
    shots = plan_shots.submit(story)  # the pictures are the longest way to the render: they start first
    narrations = [narrate.submit(story, i, request.voice, request.check_narration) for i in range(count)]
    scale = upscale_factor(model_registry.entry("upscale", request.model("upscale")))  # it loads in its stage
    width, height = request.size
    painted = (width // scale, height // scale)  # the upscaler brings it to the frame
    drafts = [illustrate.submit(story, shots, i, painted, request.seed, request.model("illustrate"))
              for i in range(count)]
    pictures = [upscale.submit(draft, i, request.model("upscale")) for i, draft in enumerate(drafts)]
    wait_for_stages({future: ("narrate", i) for i, future in enumerate(narrations)})
    timeline = Timeline.of([future.result().meta["duration"] for future in narrations])
    music = compose_music.submit(request.preset.music, timeline.total, request.seed, request.model("music"))

    stages = {music: ("compose_music", None), shots: ("plan_shots", None)}
    for name, futures in (("illustrate", drafts), ("upscale", pictures)):
        stages.update({future: (name, i) for i, future in enumerate(futures)})
    wait_for_stages(stages)

    video = render.submit(story, narrations, pictures, music, shots, timeline, request.size, request.credits())
    wait_for_stages({video: ("render", None)})
    published = publish.submit(video, story_folder(story.title, request.out))
    wait_for_stages({published: ("publish", None)})
    path = published.result()
    announce(story, path)
    log.info("story ready: %s", path)
    return str(path)


def announce(story: Story, video: Path) -> None:
    """Prefect artifacts on the flow run, so the UI shows what was made: the text with the bible the
    pictures follow, and, when a story gallery is running, the contact sheet and links it serves (a
    browser will not load `file://` pictures into the UI's `http://` page)."""
    folder = video.parent
    gallery, shown = links.gallery_url(), links.story_id(folder)
    text = numbered(story.sentences)
    looks = f"*Hero:* {story.bible.hero} · *Setting:* {story.bible.setting or story.look.scenery}"
    if gallery and shown:
        files = " · ".join(f"[{name}]({links.file_url(gallery, shown, name)})" for name in OUTPUT_FILES)
        where = f"[Watch it in the story gallery]({links.story_url(gallery, shown)}) · {files}"
        create_image_artifact(image_url=links.file_url(gallery, shown, "contact_sheet.png"), key="contact-sheet",
                              description="one picture per sentence")
    else:
        why = "No story gallery is running" if shown else "The story folder is outside DIGITELLER_HOME"
        where = (f"The story is in `{folder}`. {why}, so its video and pictures cannot show here; "
                 "`digiteller gallery` (or `digiteller server`) serves them.")
    create_markdown_artifact(markdown=f"# {story.title}\n\n{text}\n\n{looks}\n\n{where}\n", key="story",
                             description=f"story: {story.title}")
