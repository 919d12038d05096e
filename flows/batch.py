"""Many stories in one run, two ways, with one summary.

    batch_flow(BatchRequest.read(genre="bedtime", count=5))
        # the CLI's batch: every story a subflow in this process, `concurrency` at once, sharing one
        # loaded copy of each model
    nightly_flow(genre="mystery", count=5)
        # the nightly deployment: every story a run of its genre's deployment, picked up by the work
        # pool's workers (here or on other machines), each with its own Retry button

A failed story never stops the others. Both end with a summary, per story: status, the stage that failed
and why, the output path, seconds and its flow run, as a Prefect markdown artifact and `summary.json` in
the batch folder. A batch in which any story failed then ends Failed, so the UI shows it red and an
automation on failed runs hears of it (see `digiteller deploy --webhook`).
"""

from __future__ import annotations

import contextvars
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    TaskRunFilter,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.deployments import run_deployment
from prefect.settings import get_current_settings
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

import model_registry
from core import atomic, settings
from core.contracts import as_json
from flows.story import StageFailed, story_flow
from model_registry import ModelUnavailable
from tasks.request import MAX_CONCURRENCY, BadRequest, BatchRequest, StoryRequest
from tasks.writing.checks import DegenerateStory

log = logging.getLogger("digiteller.progress")
# The number of the story whose work is running in this context: the CLI prefixes its progress lines with it.
STORY = contextvars.ContextVar("story", default=None)
PREFECT_SAYS = "Flow run encountered an exception: "  # before a failed run's error, in its state message
TASK_STATES_LAG = 10.0  # seconds the server may take to record a task's last state after its flow ended
BROKEN = {StateType.FAILED, StateType.CRASHED}
FINISHED = {StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED}


class BatchFailed(RuntimeError):
    """Some of a batch's stories failed (the others were made); `summary` says which and why."""

    def __init__(self, summary: dict):
        super().__init__(summary)  # the constructor's argument, so it pickles
        self.summary = summary

    def __str__(self) -> str:
        return f"{self.summary['failed']} of {self.summary['stories']} stories failed"


@flow(name="batch", task_runner=ThreadPoolTaskRunner(max_workers=MAX_CONCURRENCY))
def batch_flow(request: BatchRequest) -> dict | State:
    """Run a batch here; returns the summary (also in `<out>/summary.json`), or fails with BatchFailed
    holding it if a story failed."""
    folder = batch_folder(request.out)
    stories = request.stories(folder)
    log.info("batch: %d stories, %d at a time, into %s", len(stories), request.concurrency, folder)
    rows, pending = [], []
    with model_registry.held("text", request.story.model("text")):  # one writer for all the stories
        for number, story in enumerate(stories, 1):
            if len(pending) >= request.concurrency:
                rows.append(report(pending.pop(0).result(), len(rows), len(stories)))
            pending.append(run_story.submit(number, story))
        rows += [report(future.result(), len(rows) + i, len(stories)) for i, future in enumerate(pending)]
    return summarise(rows, folder)


@flow(name="nightly")
def nightly_flow(prompts_file: str | None = None, genre: str = "fairy-tale", count: int | None = None,
                 language: str = "en", sentences: int | None = None, seed: int = 0, aspect: str = "16:9",
                 out: str | None = None, models: dict[str, str] | None = None) -> dict | State:
    """Every story as a run of the `story/<genre>` deployment, all queued at once for the work pool; waits
    for them and returns the summary, or fails with BatchFailed holding it if a story failed. Its
    parameters are the schedule's (prefect.yaml): the batch is built and checked from them first."""
    request = BatchRequest.read(prompts_file, count, out=out, genre=genre, language=language, sentences=sentences,
                                seed=seed, aspect=aspect, models=models or {})
    folder = batch_folder(request.out)
    stories = request.stories(folder)
    log.info("nightly: %d stories queued for the work pool, into %s", len(stories), folder)
    runs = {number: run_deployment(f"story/{genre}", timeout=0, flow_run_name=f"story-{number:03d}",
                                   parameters={"request": as_json(story)})
            for number, story in enumerate(stories, 1)}
    rows = []
    for number, run in runs.items():
        rows.append(report(deployment_row(number, stories[number - 1], run.id), len(rows), len(stories)))
    return summarise(rows, folder)


def batch_folder(out: str | None) -> Path:
    """The batch's folder: `out`, else a new one named by the time under outputs/batches/."""
    folder = Path(out) if out else settings.home() / "batches" / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@task(name="run_story", task_run_name="story-{number}", retries=0)
def run_story(number: int, request: StoryRequest) -> dict:
    """One story as a subflow; its outcome as a summary row (this task itself never fails)."""
    STORY.set(number)
    started = time.monotonic()
    state = story_flow(request, return_state=True)
    prompt, genre = request.prompt, request.genre
    row = {"number": number, "prompt": prompt, "genre": genre, "seconds": round(time.monotonic() - started, 1),
           "flow_run_id": str(state.state_details.flow_run_id)}
    if state.is_completed():
        return row | {"status": "completed", "path": state.result()}
    try:
        state.result()
        error, stage = state.message or state.name, None
    except Exception as exc:  # noqa: BLE001 - reported, not raised: one story must not stop the batch
        error, stage = f"{type(exc).__name__}: {exc}", failed_stage(exc)
    return row | {"status": "failed", "failed_stage": stage, "error": error.splitlines()[0][:500]}


def failed_stage(error: BaseException) -> str | None:
    """The stage a story failed in, from its exception: the stage a StageFailed names, write_story for a
    story the model could not write, "request" for a request that cannot be served."""
    if isinstance(error, StageFailed):
        return error.stage
    if isinstance(error, DegenerateStory):
        return "write_story"
    if isinstance(error, (BadRequest, ModelUnavailable)):
        return "request"
    return None


def deployment_row(number: int, request: StoryRequest, run_id, poll: float = 2.0) -> dict:
    """Wait for a story's deployment run to finish; its summary row. The failed stage is the stage of its
    task run that failed (its name, "narrate-2", says which). The server records task states from events
    that can arrive after the flow run's own end, so a failed run's failed task is looked for a while."""
    with get_client(sync_client=True) as client:
        while (run := client.read_flow_run(run_id)).state_type not in FINISHED:
            time.sleep(poll)
        patience = time.monotonic() + (TASK_STATES_LAG if run.state_type in BROKEN else 0)
        while not (failed := client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
                task_run_filter=TaskRunFilter(state=TaskRunFilterState(type=TaskRunFilterStateType(
                    any_=list(BROKEN)))), limit=10)) and time.monotonic() < patience:
            time.sleep(0.5)
    row = {"number": number, "prompt": request.prompt, "genre": request.genre, "flow_run_id": str(run_id),
           "seconds": round(run.total_run_time.total_seconds(), 1)}
    if run.state_type == StateType.COMPLETED:
        return row | {"status": "completed", "path": str(Path(request.out) / "story.mp4")}
    return row | {"status": "failed", "failed_stage": failed[0].name.split("-")[0] if failed else None,
                  "error": (run.state.message or run.state.name).removeprefix(PREFECT_SAYS).splitlines()[0][:500]}


def report(row: dict, done: int, total: int) -> dict:
    bar = "#" * round(20 * (done + 1) / total)
    detail = row.get("path") or f"failed in {row.get('failed_stage') or 'the flow'}: {row['error']}"
    log.info("batch [%-20s] %d/%d story %d %s (%.0f s) %s", bar, done + 1, total, row["number"], row["status"],
             row["seconds"], detail)
    return row


def summarise(rows: list[dict], folder: Path) -> dict | State:
    """Write summary.json and the summary artifact; the summary, or a Failed state if any story failed."""
    summary = {"folder": str(folder), "stories": len(rows),
               "completed": sum(r["status"] == "completed" for r in rows),
               "failed": sum(r["status"] == "failed" for r in rows), "results": rows}
    atomic.write_json(folder / "summary.json", summary)
    create_markdown_artifact(markdown=summary_markdown(summary), key="batch-summary",
                             description=f"{summary['completed']} of {summary['stories']} stories completed")
    if summary["failed"]:
        failure = BatchFailed(summary)
        return Failed(message=str(failure), data=failure)
    return summary


def summary_markdown(summary: dict) -> str:
    ui = get_current_settings().ui_url
    lines = [f"# Batch: {summary['completed']} of {summary['stories']} stories completed", "",
             "| # | prompt | status | failed stage | seconds | output or error | run |",
             "|---|---|---|---|---|---|---|"]
    for row in summary["results"]:
        cell = row.get("path") or row.get("error", "")
        prompt = row["prompt"].replace("|", "/")
        run = f"[story-{row['number']:03d}]({ui}/runs/flow-run/{row['flow_run_id']})" if ui else row["flow_run_id"]
        lines.append(f"| {row['number']} | {prompt} | {row['status']} | {row.get('failed_stage') or ''} | "
                     f"{row['seconds']} | {cell.replace('|', '/')} | {run} |")
    return "\n".join(lines) + "\n"
