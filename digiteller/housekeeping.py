"""`digiteller clean`: give back disk the artifact cache and old batches hold, never a story that is kept.

What goes: cached artifacts no story folder refers to (story.json lists every artifact of its story),
older than a given age or, oldest first, beyond a given cache size, with their Prefect result records;
result records whose artifact is gone; the debris of interrupted writes; and, when asked, whole batch
folders older than an age. What stays: every folder under stories/, every artifact a remaining story
refers to (so rerunning it is still fully cached), and the models cache.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from core import settings

DAY = 86_400
DEBRIS_AGE = 3_600  # a temporary folder untouched for an hour belongs to a write that died


@dataclass(frozen=True)
class Removal:
    path: Path
    bytes: int
    why: str


def size(path: Path) -> int:
    """Bytes in a file, or in the files under a folder (0 for one that is not there)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def referenced_keys(story_folders: list[Path]) -> set[str]:
    """Every artifact key the stories' story.json files list."""
    keys: set[str] = set()
    for folder in story_folders:
        try:
            artifacts = json.loads((folder / "story.json").read_text("utf-8")).get("artifacts", {})
        except (OSError, ValueError):
            continue
        for entry in artifacts.values():
            keys |= {item["key"] for item in (entry if isinstance(entry, list) else [entry]) if item.get("key")}
    return keys


def plan(older_than_days: float = 14, max_cache_gb: float | None = None,
         batches_older_than_days: float | None = None, now: float | None = None) -> list[Removal]:
    """What a clean would remove, and why; nothing is touched."""
    home, now = settings.home(), now if now is not None else time.time()
    removals: list[Removal] = []
    old_batches = []
    if batches_older_than_days is not None:
        old_batches = [b for b in sorted((home / "batches").glob("*/"))
                       if now - b.stat().st_mtime > batches_older_than_days * DAY]
        removals += [Removal(b, size(b), f"batch older than {batches_older_than_days:g} days") for b in old_batches]
    kept_stories = list((home / "stories").glob("*/")) + [
        f for b in (home / "batches").glob("*/") if b not in old_batches for f in b.glob("*/")]
    keep = referenced_keys(kept_stories)
    artifacts, results = settings.artifacts_dir(), settings.results_dir()
    candidates = []
    for folder in sorted(artifacts.glob("*/*")):
        age = now - folder.stat().st_mtime
        if folder.name.startswith("."):
            if age > DEBRIS_AGE:
                removals.append(Removal(folder, size(folder), "left by an interrupted write"))
        elif folder.name not in keep:
            candidates.append((folder.stat().st_mtime, folder))
    chosen = {folder for mtime, folder in candidates if now - mtime > older_than_days * DAY}
    if max_cache_gb is not None:
        total = size(artifacts) - sum(size(f) for f in chosen)
        for _, folder in sorted(candidates):  # oldest first
            if total <= max_cache_gb * 1e9:
                break
            if folder not in chosen:
                chosen.add(folder)
                total -= size(folder)
    for folder in sorted(chosen):
        record = results / folder.name
        removals.append(Removal(folder, size(folder) + (size(record) if record.exists() else 0),
                                f"{folder.parent.name} artifact no kept story uses"))
    present = {folder.name for folder in artifacts.glob("*/*")}  # a chosen one's record goes with it
    removals += [Removal(r, size(r), "result record of an artifact that is gone") for r in sorted(results.glob("*"))
                 if r.is_file() and r.name not in present and now - r.stat().st_mtime > DEBRIS_AGE]
    return removals


def remove(removals: list[Removal]) -> int:
    """Remove what `plan` chose (an artifact with its result record); the bytes freed."""
    from tasks.artifacts import MANIFEST  # here, not above: the gallery imports `size` without Prefect

    freed = 0
    for removal in removals:
        if removal.path.is_dir():
            shutil.rmtree(removal.path, ignore_errors=True)
            if (removal.path / MANIFEST).exists():
                continue
            (settings.results_dir() / removal.path.name).unlink(missing_ok=True)
        else:
            removal.path.unlink(missing_ok=True)
        freed += removal.bytes
    return freed
