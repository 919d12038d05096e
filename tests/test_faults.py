"""Crashes and company: a story process killed at random points resumes cleanly, and several processes
making the same story at once share the artifact store without corrupting it.

`DIGITELLER_KILLS` sets how many SIGKILLs the kill test deals (CI: 3; the full check: 20).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL

from core import settings
from fakes import CHEAP_MODELS
from tasks.artifacts import MANIFEST, load_artifact

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs flows

RUNNER = f"""
import sys
from flows.story import story_flow
from tasks.request import StoryRequest
story_flow(StoryRequest(prompt=sys.argv[1], sentences=3, seed=2, voice="espeak-en", models={CHEAP_MODELS!r},
                        out=sys.argv[2]))
"""


def start(home: Path, out: Path, prompt: str = "a lighthouse keeper and a storm") -> subprocess.Popen:
    """A story in a separate process, talking to this session's Prefect server."""
    env = {**os.environ, "DIGITELLER_HOME": str(home), "PREFECT_API_URL": PREFECT_API_URL.value()}
    return subprocess.Popen([sys.executable, "-c", RUNNER, prompt, str(out)], env=env, cwd=settings.ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stored(home: Path) -> dict[tuple[str, str], float]:
    """Every committed artifact (stage, key) -> its manifest's mtime; fails on any damaged one."""
    found = {}
    for manifest in (home / "cache" / "artifacts").glob(f"*/*/{MANIFEST}"):
        stage, key = manifest.parent.parent.name, manifest.parent.name
        assert load_artifact(stage, key) is not None, f"corrupt artifact {stage}/{key}"
        found[(stage, key)] = manifest.stat().st_mtime
    return found


@pytest.mark.slow
def test_killed_story_processes_resume_without_damage(home):
    rng = random.Random(11)
    out = home / "story"
    for _ in range(int(os.environ.get("DIGITELLER_KILLS", "3"))):
        process = start(home, out)
        time.sleep(rng.uniform(3, 25))
        process.kill()
        process.wait()
        stored(home)
    finished = start(home, out)
    assert finished.wait(timeout=600) == 0, finished.stderr.read().decode()[-2000:]
    before = stored(home)
    stages = {"write_story", "narrate", "illustrate", "upscale", "compose_music", "render"}
    assert {stage for stage, _ in before} >= stages
    again = start(home, out)
    assert again.wait(timeout=600) == 0
    assert stored(home) == before  # a finished story is fully reused: nothing rewritten
    assert json.loads((out / "story.json").read_text())["sentences"]


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_processes_share_the_store_safely(home, processes):
    outs = [home / f"story{i}" for i in range(processes)]
    running = [start(home, out) for out in outs]
    for process in running:
        assert process.wait(timeout=900) == 0, process.stderr.read().decode()[-2000:]
    artifacts = stored(home)
    assert sum(stage == "render" for stage, _ in artifacts) == 1  # one story, one committed render
    videos = {(out / "story.mp4").read_bytes() for out in outs}
    assert len(videos) == 1  # every process published the same bytes
