"""plan_shots: a story -> one `Shot` per sentence (shots.json), planned by the painter's shot planner
(model_registry/pictures/shots.py), which `illustrate` then paints and `render` records. Cached by the
story's sentences, bible and look, the illustration library and the embedder the reader matches with."""

from __future__ import annotations

import json

import model_registry
from core import source
from core.contracts import Artifact, Shot, Story, as_json, from_json
from model_registry.pictures import shots as planner
from tasks.artifacts import new_artifact, stage_task

LIBRARY = "model_registry/pictures/library"


def _depends_on(story: Story) -> dict:
    return {"sentences": list(story.sentences), "bible": as_json(story.bible), "look": as_json(story.look),
            "library": source.data_identity(LIBRARY), "embedder": model_registry.identity("embed")}


@stage_task("plan_shots", _depends_on, run_name="plan_shots")
def plan_shots(story: Story) -> Artifact:
    shots = planner.plan(story.sentences, story.bible, story.look)
    with new_artifact("plan_shots") as out:
        out.path("shots.json").write_text(json.dumps(as_json(shots), ensure_ascii=False, indent=1), "utf-8")
        return out.commit(count=len(shots))


def read_shots(artifact: Artifact) -> tuple[Shot, ...]:
    return from_json(tuple[Shot, ...], json.loads(artifact.path("shots.json").read_text("utf-8")))
