"""The content-addressed artifact store, and the Prefect cache policy that guards it.

Every stage writes its output files into `artifacts/<stage>/<key>/`, where `key` is the task run's
Prefect cache key: a hash of the inputs the output depends on, the model's identity (with its adapter's
source) and the source of the stage's own module and every project module it imports (core/source.py),
so a changed stage or backend never gets its old artifacts back. A `manifest.json` beside the files
records their sha256 and a few small facts (a duration, a size). The task returns an `Artifact` (paths
and hashes, never the bytes), and Prefect persists that small record as the task's cached result.

Prefect alone would return a cached record even if the files it points to were deleted or damaged.
`StageCache.compute_key` therefore verifies the artifact before Prefect looks the key up, and
invalidates the record when the files are missing or fail their hash, so the task runs again.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import CachePolicy
from prefect.context import TaskRunContext
from prefect.runtime import task_run
from prefect.transactions import get_transaction

from core import settings, source
from core.contracts import Artifact
from core.hashing import content_key, sha256_file
from model_registry import ModelUnavailable

MANIFEST = "manifest.json"


def load_artifact(stage: str, key: str) -> Artifact | None:
    """The stored artifact if every file is present and matches its recorded hash, else None."""
    folder = settings.artifacts_dir() / stage / key
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if all(sha256_file(folder / name) == digest for name, digest in files.items()):
            return Artifact(stage=stage, key=key, files=files, meta=manifest["meta"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


class ArtifactWriter:
    """Collects a stage's files in a private temporary folder; `commit` publishes them atomically."""

    def __init__(self, stage: str, key: str):
        self.stage, self.key = stage, key
        self.final = settings.artifacts_dir() / stage / key
        self.tmp = self.final.with_name(f".{key}.{uuid.uuid4().hex}.tmp")
        self.tmp.mkdir(parents=True)

    def path(self, name: str) -> Path:
        return self.tmp / name

    def commit(self, **meta: Any) -> Artifact:
        files = {
            p.name: sha256_file(p) for p in sorted(self.tmp.iterdir()) if p.name != MANIFEST
        }
        manifest = {"stage": self.stage, "key": self.key, "files": files, "meta": meta}
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
        for _ in range(3):
            try:
                os.replace(self.tmp, self.final)  # atomic; fails if the key's folder exists and is not empty
                return Artifact(stage=self.stage, key=self.key, files=files, meta=meta)
            except OSError:
                # Another process committed this key first (use theirs: same inputs, complete and
                # verified), or a damaged copy from an earlier run is in the way (move it aside).
                existing = load_artifact(self.stage, self.key)
                if existing is not None:
                    self.discard()
                    return existing
                stale = self.final.with_name(f".{self.key}.{uuid.uuid4().hex}.stale")
                try:
                    os.replace(self.final, stale)
                except FileNotFoundError:
                    continue
                shutil.rmtree(stale, ignore_errors=True)
        raise RuntimeError(f"{self.stage}: could not publish artifact {self.key}")

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


@contextmanager
def new_artifact(stage: str) -> Iterator[ArtifactWriter]:
    """Open the artifact folder of the running task, named by its Prefect cache key.

    Nothing half-written is ever visible under the key: an exception discards the temp folder.
    """
    transaction = get_transaction()
    if transaction is None or not transaction.key:
        raise RuntimeError(f"{stage}: no cache key; stage tasks must use StageCache")
    writer = ArtifactWriter(stage, transaction.key)
    try:
        yield writer
    finally:
        writer.discard()  # no-op after a commit: the folder has been renamed away


@dataclass
class StageCache(CachePolicy):
    """Cache key = hash(stage, the stage module's source closure, what the output depends on); verified
    on reuse.

    `depends_on` maps the task's parameters to the JSON-able facts its output depends on, including
    the model's identity (name, version, weights hash, adapter source) from the registry.
    """

    stage: str = ""
    module: str = ""  # the stage's module: its source and what it imports are part of every key
    depends_on: Callable[..., Any] | None = None

    def compute_key(
        self,
        task_ctx: TaskRunContext,
        inputs: dict[str, Any],
        flow_parameters: dict[str, Any],
        **kwargs: Any,
    ) -> str:
        facts = self.depends_on(**inputs) if self.depends_on else inputs
        key = content_key(self.stage, source.code_identity(self.module), facts)
        if load_artifact(self.stage, key) is None:
            _invalidate_record(task_ctx, key)
        return key


def _invalidate_record(task_ctx: TaskRunContext, key: str) -> None:
    """Make Prefect treat `key` as not cached: its record points at files that are gone or damaged.

    Overwriting with an empty record (rather than deleting) works on every writable Prefect storage,
    local or remote; an unreadable record counts as absent and the next commit replaces it.
    """
    store = task_ctx.result_store
    if store.exists(key):
        store.result_storage.write_path(key, b"")


class PermanentError(RuntimeError):
    """A failure that another attempt with the same inputs would repeat (bad model output, no model)."""


def _worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Retry anything that may be transient (memory, a busy device), not a failure that would repeat."""
    try:
        state.result()
    except (PermanentError, ModelUnavailable):
        return False
    except Exception:  # noqa: BLE001 - any other failure is worth another attempt
        pass
    return True


# Seconds each stage's run took, by its task run id: the flow reports them as the stages finish (a cached
# run does not run, so it has none).
RAN: dict[str, float] = {}


def stage_task(stage: str, depends_on: Callable[..., Any], run_name: str, retries: int = 2):
    """The Prefect task every stage is: verified artifact caching keyed by its inputs and its own source,
    retries with back-off, and its running time kept in RAN."""

    def decorate(function: Callable[..., Any]):
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                RAN[str(task_run.get_id())] = time.perf_counter() - started

        return task(
            retry_condition_fn=_worth_retrying,
            name=stage,
            task_run_name=run_name,
            cache_policy=StageCache(stage=stage, module=function.__module__, depends_on=depends_on),
            persist_result=True,
            retries=retries,
            retry_delay_seconds=settings.retry_delays(),
        )(timed)

    return decorate
