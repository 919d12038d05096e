"""Where a story's files can be watched over HTTP: the running gallery's address and its URL scheme.

The gallery (`digiteller gallery`, also started by `digiteller server`) writes its address into
`$DIGITELLER_HOME/gallery.url` while it runs; `$DIGITELLER_GALLERY_URL` names one explicitly. Flows use
these links in their Prefect artifacts, so the UI shows pictures a browser can load (a `file://` URL in
an `http://` page never loads).
"""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from pathlib import Path

from core import settings

ADDRESS_FILE = "gallery.url"


def gallery_url() -> str | None:
    """The address of a gallery that answers right now, or None."""
    url = os.environ.get("DIGITELLER_GALLERY_URL") or _written_address()
    if not url:
        return None
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return url if response.status == 200 else None
    except OSError:
        return None


def _written_address() -> str | None:
    try:
        return (settings.home() / ADDRESS_FILE).read_text("utf-8").strip() or None
    except OSError:
        return None


def story_id(folder: Path) -> str | None:
    """A story folder's id in the gallery: its path under the home folder ("stories/the-lost-lantern",
    "batches/20261201-020000/003"); None for a folder outside it, which the gallery does not serve."""
    try:
        return Path(folder).resolve().relative_to(settings.home()).as_posix()
    except ValueError:
        return None


def file_url(gallery: str, story: str, name: str) -> str:
    return f"{gallery}/files/{urllib.parse.quote(story)}/{urllib.parse.quote(name)}"


def story_url(gallery: str, story: str) -> str:
    return f"{gallery}/#{urllib.parse.quote(story)}"
