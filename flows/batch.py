"""Many stories in one run: the nightly batch.

    batch_flow(prompts_file="data/prompts/mystery.txt", genre="mystery")   # one story per line
    batch_flow(genre="bedtime", count=5)                                    # the genre's sample prompts

Each story is its own `story` subflow, run from a task so that `concurrency` of them run at once in
this process (sharing one loaded copy of each model). A failed story never stops the others; the run
ends with a summary, per story: status, the stage that failed and why, the output path and timings,
as a Prefect markdown artifact and as `summary.json` in the batch folder.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from core import atomic, settings
from flows.story import StageFailed, story_flow
from model_registry import ModelUnavailable
from tasks.request import MAX_CONCURRENCY, BadRequest, check_number, check_request, read_prompts, writable_folder
from tasks.story import DegenerateStory

log = logging.getLogger("digiteller.progress")


@task(name="run_story", task_run_name="story-{number}", retries=0)
def run_story(number: int, prompt: str, genre: str, language: str, sentences: int | None, seed: int, aspect: str,
              out: str, models: dict[str, str]) -> dict:
    """One story as a subflow; its outcome as a summary row (this task itself never fails)."""
    started = time.monotonic()
    state = story_flow(prompt=prompt, genre=genre, language=language, sentences=sentences, seed=seed,
                       aspect=aspect, out=out, models=models, return_state=True)
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


@flow(name="batch", task_runner=ThreadPoolTaskRunner(max_workers=8))
def batch_flow(prompts_file: str | None = None, genre: str = "fairy-tale", count: int | None = None,
               language: str = "en", sentences: int | None = None, seed: int = 0, aspect: str = "16:9",
               concurrency: int = 1, out: str | None = None, models: dict[str, str] | None = None) -> dict:
    """Run a batch; returns the summary (also written to `<out>/summary.json`)."""
    prompts = read_prompts(prompts_file, genre, count, language)
    check_request(prompts[0], genre, language, sentences, aspect, seed)
    check_number(concurrency, "concurrency", 1, MAX_CONCURRENCY)
    folder = writable_folder(out, "batch folder") or \
        settings.home() / "batches" / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    log.info("batch: %d stories, %d at a time, into %s", len(prompts), concurrency, folder)
    rows, pending = [], []
    for number, prompt in enumerate(prompts, 1):
        if len(pending) >= concurrency:
            rows.append(_collect(pending.pop(0), len(rows), len(prompts)))
        pending.append(run_story.submit(number, prompt, genre, language, sentences, seed, aspect,
                                        str(folder / f"{number:03d}"), models or {}))
    rows += [_collect(future, len(rows) + i, len(prompts)) for i, future in enumerate(pending)]
    summary = {"folder": str(folder), "stories": len(rows),
               "completed": sum(r["status"] == "completed" for r in rows),
               "failed": sum(r["status"] == "failed" for r in rows), "results": rows}
    atomic.write_json(folder / "summary.json", summary)
    create_markdown_artifact(markdown=summary_markdown(summary), key="batch-summary",
                             description=f"{summary['completed']} of {summary['stories']} stories completed")
    return summary


def _collect(future, done: int, total: int) -> dict:
    row = future.result()
    bar = "#" * round(20 * (done + 1) / total)
    detail = row.get("path") or f"failed in {row.get('failed_stage') or 'the flow'}: {row['error']}"
    log.info("batch [%-20s] %d/%d %s (%.0f s) %s", bar, done + 1, total, row["status"], row["seconds"], detail)
    return row


def summary_markdown(summary: dict) -> str:
    lines = [f"# Batch: {summary['completed']} of {summary['stories']} stories completed", "",
             "| # | prompt | status | failed stage | seconds | output or error |", "|---|---|---|---|---|---|"]
    for row in summary["results"]:
        cell = row.get("path") or row.get("error", "")
        prompt = row["prompt"].replace("|", "/")
        lines.append(f"| {row['number']} | {prompt} | {row['status']} | {row.get('failed_stage') or ''} | "
                     f"{row['seconds']} | {cell.replace('|', '/')} |")
    return "\n".join(lines) + "\n"

