"""write_story: a request -> a `Story` (its plan, sentences, moods, bible and look), planned and written by a
language model (the writer's parts are in tasks/writing/). Cached by the prompt, the genre's brief,
example and sampling, the writer's wording, the language, the count, the seed and the model; story.json
holds the story as written."""

from __future__ import annotations

import dataclasses
import json
import logging

import model_registry
from core.contracts import Story, as_json
from tasks.artifacts import new_artifact, stage_task
from tasks.request import StoryRequest
from tasks.writing.prompts import wording
from tasks.writing.writer import compose_story

log = logging.getLogger("digiteller.progress")


def _depends_on(request: StoryRequest) -> dict:
    genre = request.preset
    return {"prompt": request.prompt, "brief": genre.brief[request.language], "writing": genre.writing,
            "example": genre.example[request.language], "wording": wording(request.language),
            "language": request.language, "count": request.sentences, "seed": request.seed,
            "model": model_registry.identity("text", request.model("text"))}


@stage_task("write_story", _depends_on, run_name="write_story")
def write_story(request: StoryRequest) -> Story:
    story = compose_story(request.prompt, request.preset, request.language, request.sentences, request.seed,
                          request.model("text"))
    with new_artifact("write_story") as out:
        out.path("story.json").write_text(json.dumps(as_json(story), ensure_ascii=False, indent=1), "utf-8")
        return dataclasses.replace(story, artifact=out.commit())


def release_writer(model: str | None) -> None:
    """Let the story model's memory go back once the story is written (unless a batch holds it)."""
    if model_registry.release("text", model):
        log.info("write_story: the story model is unloaded; its memory goes to the pictures and the render")
