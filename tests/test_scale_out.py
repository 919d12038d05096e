"""The story DAG on a local Dask cluster of two worker processes (the scale-out path)."""

from __future__ import annotations

import os

import pytest

from fakes import CHEAP_MODELS
from flows.scale_out import on_dask
from flows.story import story_flow
from tasks.request import StoryRequest

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs flows (on Dask workers)


def test_story_tasks_run_on_dask_workers(home):
    request = StoryRequest(prompt="a fox under the moon", sentences=2, voice="espeak-en", models=CHEAP_MODELS,
                           out=str(home / "story"))
    state = on_dask(story_flow, workers=2)(request, return_state=True)
    assert state.is_completed(), state.message
    assert (home / "story" / "story.mp4").stat().st_size > 10_000
    stages = {p.parent.parent.name for p in (home / "cache" / "artifacts").glob("*/*/manifest.json")}
    assert stages == {"write_story", "plan_shots", "narrate", "illustrate", "upscale", "compose_music", "render"}
    assert os.environ["DIGITELLER_HOME"] == str(home)  # the workers wrote into this test's store
