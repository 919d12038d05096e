"""The story gallery: every story made here, newest first, to watch where the work is managed.

    digiteller gallery [--port 4300]      # alone; `digiteller server` starts it beside the Prefect UI

Each story shows its title, genre, language, length and date, the contact sheet, an HTML5 player with
the subtitle track, the text, the story bible, and a link to its Prefect flow run; a batch's stories are
grouped, and a failed one shows the stage that failed with a link to its run (where Retry is).

It reads the story folders under `$DIGITELLER_HOME` (stories/ and batches/) and never writes into them.
It serves only the files a story folder publishes, and only from a folder under those two that holds a
story.json, so no path leads anywhere else. While it runs its address is in `$DIGITELLER_HOME/gallery.url`,
which flows read to put working links into their Prefect artifacts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.routing import Route

from core import atomic, settings
from digiteller.housekeeping import size
from flows import links

DEFAULT_PORT = 4300
SERVED = {"story.mp4": "video/mp4", "story.vtt": "text/vtt", "story.srt": "text/plain",
          "contact_sheet.png": "image/png", "story.json": "application/json"}
STORY_ROOTS = ("stories", "batches")
templates = Environment(loader=PackageLoader("digiteller"), autoescape=select_autoescape())


@dataclass
class Card:
    """One story as the gallery shows it (a failed batch story has no files, only its row)."""

    id: str
    title: str
    status: str = "completed"
    genre: str = ""
    language: str = ""
    seconds: float = 0.0
    date: str = ""
    sentences: list[str] = field(default_factory=list)
    bible: dict = field(default_factory=dict)
    scenery: str = ""  # where the pictures are set when the bible names no setting
    flow_run_id: str | None = None
    batch: str | None = None
    number: int | None = None
    failed_stage: str | None = None
    error: str = ""


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def story_card(folder: Path, home: Path) -> Card | None:
    report = _read_json(folder / "story.json")
    if not isinstance(report, dict) or "title" not in report:
        return None
    run = _read_json(folder / "run.json") or {}
    date = run.get("published") or datetime.fromtimestamp((folder / "story.json").stat().st_mtime, UTC).isoformat()
    return Card(id=folder.relative_to(home).as_posix(), title=report["title"], genre=report.get("genre", ""),
                language=report.get("language", ""), seconds=float(report.get("duration", 0)), date=date[:19],
                sentences=[s["text"] for s in report.get("sentences", [])], bible=report.get("bible", {}),
                scenery=report.get("look", {}).get("scenery", ""), flow_run_id=run.get("flow_run_id"))


def index(home: Path) -> list[Card]:
    """Every story under `home`, newest first: single stories, then each batch's rows (also failed ones)."""
    cards = [card for folder in sorted((home / "stories").glob("*/")) if (card := story_card(folder, home))]
    for batch in sorted((home / "batches").glob("*/")):
        summary = _read_json(batch / "summary.json") or {}
        rows = {row.get("number"): row for row in summary.get("results", []) if isinstance(row, dict)}
        for folder in sorted(batch.glob("*/")):
            if card := story_card(folder, home):
                number = int(folder.name) if folder.name.isdigit() else None
                cards.append(dataclasses.replace(card, batch=batch.name, number=number))
                rows.pop(number, None)
        date = batch_started(batch)
        cards += [Card(id=f"{batch.relative_to(home).as_posix()}/{row['number']:03d}", title=row.get("prompt", ""),
                       status=row.get("status", "failed"), genre=row.get("genre", ""), date=date, batch=batch.name,
                       number=row["number"], flow_run_id=row.get("flow_run_id"), failed_stage=row.get("failed_stage"),
                       error=row.get("error", ""))
                  for row in rows.values() if row.get("status") == "failed" and isinstance(row.get("number"), int)]
    return sorted(cards, key=lambda card: (card.date, card.id), reverse=True)


def batch_started(batch: Path) -> str:
    """When a batch started: its folder's name ("20261201-020000"), else the folder's time."""
    try:
        return datetime.strptime(batch.name, "%Y%m%d-%H%M%S").isoformat()
    except ValueError:
        return datetime.fromtimestamp(batch.stat().st_mtime, UTC).isoformat()[:19]


def disk_use(home: Path) -> dict[str, int]:
    """Bytes under each part of the home folder the gallery shows."""
    return {"stories": size(home / "stories"), "batches": size(home / "batches"), "cache": size(home / "cache")}


def served_file(home: Path, path: str) -> Path:
    """The file a /files/ path names, if it is one a story folder publishes; else 404."""
    story, _, name = path.rpartition("/")
    if name not in SERVED:
        raise HTTPException(404)
    folder = (home / story).resolve()
    inside = any(folder.is_relative_to((home / root).resolve()) for root in STORY_ROOTS)
    target = folder / name
    if not inside or not (folder / "story.json").is_file() or not target.is_file():
        raise HTTPException(404)
    return target


def prefect_ui() -> str:
    return (os.environ.get("PREFECT_UI_URL") or os.environ.get("PREFECT_API_URL", "http://127.0.0.1:4200/api")
            .removesuffix("/").removesuffix("/api"))


async def page(request: Request) -> HTMLResponse:
    home = settings.home()
    cards = index(home)
    genre, language = request.query_params.get("genre", ""), request.query_params.get("language", "")
    shown = [c for c in cards if (not genre or c.genre == genre) and (not language or c.language == language)]
    html = templates.get_template("gallery.html").render(
        cards=shown, total=len(cards), genres=sorted({c.genre for c in cards if c.genre}),
        languages=sorted({c.language for c in cards if c.language}), genre=genre, language=language,
        disk=disk_use(home), prefect=prefect_ui(), file_url=lambda card, name: links.file_url("", card.id, name))
    return HTMLResponse(html)


async def stories(request: Request) -> JSONResponse:
    return JSONResponse([card.__dict__ for card in index(settings.home())])


async def files(request: Request) -> FileResponse:
    target = served_file(settings.home(), request.path_params["path"])
    return FileResponse(target, media_type=SERVED[target.name])  # answers Range requests: the player can seek


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


async def not_found(request: Request, exc: Exception) -> HTMLResponse:
    code = getattr(exc, "status_code", 500)
    message = "Not found" if code == 404 else "Something went wrong"
    return HTMLResponse(templates.get_template("missing.html").render(message=message), status_code=code)


def app(port: int | None = None) -> Starlette:
    """The gallery's web app; with `port`, it also publishes its address while it runs."""
    @contextlib.asynccontextmanager
    async def lifespan(_app):
        address = settings.home() / links.ADDRESS_FILE
        if port:
            atomic.write_text(address, f"http://127.0.0.1:{port}")
        try:
            yield
        finally:
            if port:
                address.unlink(missing_ok=True)

    routes = [Route("/", page), Route("/api/stories", stories), Route("/files/{path:path}", files),
              Route("/health", health)]
    return Starlette(routes=routes, exception_handlers={404: not_found, 500: not_found, Exception: not_found},
                     lifespan=lifespan)


def serve(port: int = DEFAULT_PORT) -> None:
    """Serve the gallery on 127.0.0.1:`port` until interrupted."""
    import uvicorn

    uvicorn.run(app(port), host="127.0.0.1", port=port, log_level="warning")
