"""The story DAG's wiring: shape, caching, partial re-runs, retries, failures, corruption."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.sorting import TaskRunSort

import model_registry
from core import settings, source
from fakes import FAIL, FAKE_MODELS, FAKES
from flows.story import OUTPUT_FILES, StageFailed, story_flow
from model_registry.pictures import sharp
from model_registry.text.base import TextModel
from tasks.artifacts import load_artifact
from tasks.illustrate import read_layers
from tasks.request import StoryRequest

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs flows


def run(home: Path, sentences: int = 3, **kwargs):
    request = StoryRequest(prompt="a hero under the moon", sentences=sentences, seed=1, voice="fake-voice",
                           models=FAKE_MODELS, out=str(home / "story"), **kwargs)
    state = story_flow(request, return_state=True)
    return state


def task_runs(state, patience: float = 15.0) -> dict[str, object]:
    """The flow's task runs as the server recorded them. The server records a task's states from events it
    receives after the task ran, so a read straight after the flow returned can miss the last task (publish)
    or its final state: read until every run is final and two reads agree."""
    deadline, last = time.monotonic() + patience, None
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])),
                sort=TaskRunSort.EXPECTED_START_TIME_ASC,
                limit=200,
            )
        seen = {r.name: r.state_type for r in runs}
        settled = all(kind is not None and kind.value in FINAL for kind in seen.values())
        if (settled and seen == last and ("publish" in seen or not state.is_completed())) \
                or time.monotonic() > deadline:
            return {r.name: r for r in runs}
        last = seen
        time.sleep(0.2)


def outputs(home: Path) -> dict[str, bytes]:
    return {name: (home / "story" / name).read_bytes() for name in OUTPUT_FILES}


def test_dag_has_a_task_run_per_sentence_per_stage(fakes, home):
    state = run(home)
    assert state.is_completed()
    runs = task_runs(state)
    expected = {"write_story", "plan_shots", "compose_music", "render", "publish"} | {
        f"{stage}-{i}" for stage in ("narrate", "illustrate", "upscale") for i in range(3)
    }
    assert set(runs) == expected
    # upscale(i) consumes illustrate(i); render joins every branch.
    assert {i.id for i in runs["upscale-1"].task_inputs["picture"]} == {runs["illustrate-1"].id}
    render_inputs = {i.id for inputs in runs["render"].task_inputs.values() for i in inputs}
    assert runs["compose_music"].id in render_inputs and runs["narrate-2"].id in render_inputs
    assert all((home / "story" / name).stat().st_size > 0 for name in OUTPUT_FILES)


def test_the_default_painter_and_upscaler_make_the_pictures_of_a_story(fakes, home):
    """The scene painter and Real-ESRGAN as a user gets them (only the writer and the voice are fakes):
    each picture painted at the frame size over the upscaler's scale, brought to the frame."""
    request = StoryRequest(prompt="a fox under the moon", sentences=2, seed=1, voice="fake-voice",
                           models={"text": "fake-writer", "music": "mood-chords"}, out=str(home / "story"))
    state = story_flow(request, return_state=True)
    assert state.is_completed(), state.message
    report = json.loads((home / "story" / "story.json").read_text("utf-8"))
    assert report["models"]["illustrate"]["model"] == "illustrate/scene-painter"
    assert report["models"]["upscale"]["model"] == "upscale/realesr-animevideov3-x4"
    painted = [load_artifact("illustrate", a["key"]) for a in report["artifacts"]["illustrate"]]
    upscaled = [load_artifact("upscale", a["key"]) for a in report["artifacts"]["upscale"]]
    assert {(a.meta["width"], a.meta["height"]) for a in painted} == {(320, 180)}
    # each shot's back plate, upscaled to the frame's height and wider than the frame, for the camera's pan
    assert {a.meta["height"] for a in upscaled} == {720} and all(a.meta["width"] > 1280 for a in upscaled)
    assert all(shot["hero"]["asset"] in shot["drawn"] for shot in report["shots"])
    for layers in map(read_layers, upscaled):  # a figure drawn large is drawn from its art upscaled by the same model
        assert all(sharp.frames(s.art, round(s.height * 720), s.mirrored) for s in layers.sprites
                   if sharp.wanted(s, round(s.height * 720)))
    assert report["plan"]["hero"] == report["bible"]["hero"] and isinstance(report["findings"], list)  # told from


def test_the_writer_is_unloaded_once_its_story_is_written(fakes, home):
    """Its memory goes back before the pictures and the render need theirs: the next story loads it again."""
    run(home)
    run(home, sentences=2)
    assert fakes["text:loads"] == 2


def test_second_run_executes_no_model_and_gives_identical_bytes(fakes, home):
    run(home)
    first = outputs(home)
    fakes.clear()
    state = run(home)
    assert sum(fakes.values()) == 0
    states = {name: r.state.name for name, r in task_runs(state).items()}
    assert states.pop("publish") == "Completed" and set(states.values()) == {"Cached"}  # publishing always runs
    assert outputs(home) == first


def test_editing_one_sentence_reruns_only_what_depends_on_it(fakes, home):
    run(home)
    model_registry.register(dataclasses.replace(FAKES[0], version="2"))  # writes a different sentence 2
    fakes.clear()
    state = run(home)
    runs = task_runs(state)
    reran = {name for name, r in runs.items() if r.state.name != "Cached"}
    assert reran == {"write_story", "plan_shots", "narrate-1", "illustrate-1", "upscale-1", "compose_music", "render",
                     "publish"}
    assert fakes["tts"] == 1 and fakes["illustrate"] == 1 and fakes["upscale"] == 1


def test_an_upgraded_painter_never_gets_its_old_pictures_back(fakes, home, monkeypatch):
    """A release that changes the painter's code (nobody bumps a number) repaints every picture; upscale is
    keyed by the pictures' content, so the same pixels are not upscaled again, and render runs again only
    because story.json records the painter's new identity."""
    run(home)
    real = source.code_identity
    monkeypatch.setattr(source, "code_identity", lambda name, root=settings.ROOT: real(name, root) + (
        "+upgraded" if name == "model_registry.pictures.palette" else ""))
    fakes.clear()
    runs = task_runs(run(home))
    reran = {name for name, r in runs.items() if r.state.name != "Cached"}
    assert reran == {"illustrate-0", "illustrate-1", "illustrate-2", "render", "publish"}
    assert fakes["illustrate"] == 3 and fakes["tts"] == 0


def test_a_task_that_fails_once_succeeds_on_retry(fakes, home):
    FAIL["Then the hero walked far far under the moon."] = 1
    state = run(home)
    assert state.is_completed()
    assert task_runs(state)["narrate-1"].run_count == 2


def test_a_failing_sentence_names_its_stage_and_a_rerun_resumes(fakes, home):
    sentence = "Then the hero walked far far far under the moon."
    FAIL[sentence] = 99
    failed = run(home)
    assert failed.is_failed()
    with pytest.raises(StageFailed, match="narrate for sentence 3 failed"):
        failed.result()
    finished = {name for name, r in task_runs(failed).items() if r.state and r.state.is_completed()}
    assert {"write_story", "narrate-0", "narrate-1"} <= finished  # which pictures were done by then is timing
    FAIL.clear()
    fakes.clear()
    state = run(home)
    assert state.is_completed()
    cached = {name for name, r in task_runs(state).items() if r.state.name == "Cached"}
    assert finished <= cached  # everything the failed run finished is reused (its pictures too, if done)
    assert fakes["tts"] == 1 and fakes["text"] == 0


def test_a_corrupt_artifact_is_recomputed_not_returned(fakes, home):
    run(home)
    first = outputs(home)
    picture = next((home / "cache" / "artifacts" / "illustrate").glob("*/picture.png"))
    picture.write_bytes(b"not a png")
    fakes.clear()
    state = run(home)
    assert fakes["illustrate"] == 1 and fakes["tts"] == 0
    runs = task_runs(state)
    assert sum(r.state.name != "Cached" for n, r in runs.items() if n.startswith("illustrate")) == 1
    assert outputs(home) == first  # deterministic painter: the recomputed picture is the same


def test_a_permanent_failure_is_not_retried(fakes, home):
    from tasks.writing.checks import DegenerateStory

    model_registry.register(dataclasses.replace(FAKES[0], name="mute-writer", adapter=MuteWriter))
    failed = story_flow(StoryRequest(prompt="anything", sentences=2, voice="fake-voice",
                                     models={**FAKE_MODELS, "text": "mute-writer"}, out=str(home / "story")),
                        return_state=True)
    with pytest.raises(DegenerateStory, match="no usable story after 3 attempts"):
        failed.result()
    assert task_runs(failed)["write_story"].run_count == 1  # three drafts inside one attempt, no retries


class MuteWriter(TextModel):
    def _stream(self, messages, *, take, **_) -> None:
        take("1. a list\n2. of tips\n3. not a story")
