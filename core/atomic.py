"""Writes that are all or nothing: a reader sees the old file or the new one, never half of either.

Everything is written to a temporary name beside the target, then renamed over it (`os.replace` is
atomic on one filesystem); a failure removes the temporary and leaves the target as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def temporary_name(target: Path, suffix: str = "") -> Path:
    """A hidden, unique name beside `target` (same folder, so the rename stays on one filesystem)."""
    return target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp{suffix}")


@contextmanager
def replacing(target: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path to write (a file or a folder); on success it replaces `target`.

    `suffix` keeps an extension that a writer insists on (numpy adds ".npz" otherwise). A folder
    replaces a folder: the old one is removed just before the rename.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(target, suffix)
    try:
        yield tmp
        if tmp.is_dir() and target.is_dir():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with replacing(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, data: Any) -> Path:
    return write_text(target, json.dumps(data, ensure_ascii=False, indent=1))


def copy_file(source: Path, target: Path) -> Path:
    with replacing(target) as tmp:
        shutil.copyfile(source, tmp)
    return Path(target)
