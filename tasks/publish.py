"""publish: the rendered video's artifact -> the story folder (story.mp4, the subtitles, story.json, the
contact sheet, and run.json: which flow run made it, and when). Never cached: the folder is written on
every run, each file replaced atomically, so a reader sees the old story or the new one, never half.

A task of its own, so a story that fails here (a full disk, a folder it may not write) says so: its failed
task run is named "publish", in the Prefect UI and in a batch's summary.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from core import atomic
from tasks.artifacts import Artifact

OUTPUT_FILES = ("story.mp4", "story.srt", "story.vtt", "story.json", "contact_sheet.png")


@task(name="publish", task_run_name="publish", cache_policy=NO_CACHE, retries=0)
def publish(video: Artifact, folder: Path) -> Path:
    for name in OUTPUT_FILES:
        atomic.copy_file(video.path(name), folder / name)
    atomic.write_json(folder / "run.json", {"flow_run_id": str(flow_run.get_id()),
                                            "published": datetime.now(UTC).isoformat(timespec="seconds")})
    return folder / "story.mp4"
