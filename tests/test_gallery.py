"""The story gallery's pages and files, on story folders written by the test (no Prefect, no browser; the
real-browser test with stories made by the flow is in test_operations.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from digiteller import gallery, housekeeping


def write_story(folder: Path, title: str, genre: str = "fairy-tale", language: str = "en", when: str = "",
                run: str = "1a2b") -> None:
    folder.mkdir(parents=True)
    report = {"title": title, "genre": genre, "language": language, "duration": 21.5,
              "sentences": [{"text": "A fox found a lantern."}, {"text": "It glowed."}],
              "bible": {"hero": "a small red fox", "setting": "a dark forest"},
              "artifacts": {"render": {"key": f"render-{title}"}, "narrate": [{"key": f"narrate-{title}"}]}}
    (folder / "story.json").write_text(json.dumps(report), "utf-8")
    (folder / "run.json").write_text(json.dumps({"flow_run_id": run, "published": when}), "utf-8")
    (folder / "story.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + bytes(5000))
    (folder / "story.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nA fox found a lantern.\n", "utf-8")
    (folder / "contact_sheet.png").write_bytes(b"\x89PNG\r\n\x1a\n")


@pytest.fixture
def stories(home):
    write_story(home / "stories" / "the-lost-lantern", "The Lost Lantern", when="2026-12-01T09:00:00")
    write_story(home / "stories" / "лиса", "Лиса и фонарь", language="ru", when="2026-12-01T10:00:00")
    batch = home / "batches" / "20261201-020000"
    write_story(batch / "001", "The Bell", genre="mystery", when="2026-12-01T02:05:00", run="5e6f")
    (batch / "summary.json").write_text(json.dumps({"results": [
        {"number": 1, "status": "completed", "prompt": "the missing bell", "flow_run_id": "5e6f"},
        {"number": 2, "status": "failed", "prompt": "a parrot that witnessed a theft", "genre": "mystery",
         "failed_stage": "narrate", "error": "StageFailed: narrate for sentence 3 failed", "flow_run_id": "9c0d"}]}))
    (home / "stories" / "half-written").mkdir()  # a folder without story.json: not a story
    (home / "cache" / "artifacts" / "render" / "k").mkdir(parents=True)
    (home / "cache" / "artifacts" / "render" / "k" / "manifest.json").write_text("{}")
    return home


def files_and_times(root: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*")}


def test_the_index_lists_stories_newest_first_with_batches_grouped_and_failures(stories):
    cards = gallery.index(stories)
    assert [c.title for c in cards] == ["Лиса и фонарь", "The Lost Lantern", "The Bell",
                                        "a parrot that witnessed a theft"]  # the failed one: when its batch began
    failed = next(c for c in cards if c.status == "failed")
    assert (failed.batch, failed.number, failed.failed_stage, failed.flow_run_id) == ("20261201-020000", 2,
                                                                                     "narrate", "9c0d")
    assert next(c for c in cards if c.title == "The Bell").batch == "20261201-020000"


def test_the_page_shows_every_story_with_player_subtitles_and_links_and_filters(stories):
    before = files_and_times(stories / "stories") | files_and_times(stories / "batches")
    client = TestClient(gallery.app())
    page = client.get("/").text
    for text in ("The Lost Lantern", "Лиса и фонарь", "The Bell", "failed in narrate", "a small red fox",
                 'src="/files/stories/the-lost-lantern/story.mp4"', 'kind="subtitles"',
                 "/runs/flow-run/9c0d", "disk: stories"):
        assert text in page, text
    mystery = client.get("/", params={"genre": "mystery"}).text
    assert "The Bell" in mystery and "The Lost Lantern" not in mystery
    russian = client.get("/", params={"language": "ru"}).text
    assert "Лиса и фонарь" in russian and "The Bell" not in russian
    assert {c["title"] for c in client.get("/api/stories").json()} >= {"The Lost Lantern", "The Bell"}
    assert files_and_times(stories / "stories") | files_and_times(stories / "batches") == before  # reads only


def test_story_files_are_served_with_ranges_for_the_player(stories):
    client = TestClient(gallery.app())
    video = client.get("/files/stories/the-lost-lantern/story.mp4", headers={"range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100 and video.headers["content-type"] == "video/mp4"
    assert client.get("/files/batches/20261201-020000/001/story.vtt").text.startswith("WEBVTT")
    assert client.get(f"/files/stories/{'лиса'}/contact_sheet.png").status_code == 200


@pytest.mark.parametrize("path", [
    "/files/stories/../../etc/passwd",
    "/files/stories/%2e%2e/%2e%2e/etc/story.mp4",
    "/files/stories/the-lost-lantern/../../cache/artifacts/render/k/story.json",
    "/files/cache/artifacts/render/k/manifest.json",
    "/files//etc/story.json",
    "/files/stories/the-lost-lantern/run.json",  # not a file a story publishes
    "/files/stories/no-such-story/story.mp4",
    "/files/stories/half-written/story.mp4",  # no story.json: not a story
    "/no/such/page",
])
def test_anything_else_is_a_404_page_never_a_traceback(stories, path):
    response = TestClient(gallery.app(), raise_server_exceptions=False).get(path)
    assert response.status_code == 404 and "Not found" in response.text and "Traceback" not in response.text


def test_clean_keeps_what_kept_stories_use_and_lists_before_it_removes(stories):
    artifacts, results = stories / "cache" / "artifacts", stories / "cache" / "results"
    results.mkdir(parents=True)
    for stage, key in (("render", "render-The Lost Lantern"), ("render", "render-The Bell"),
                       ("narrate", "unused-old"), ("render", "k")):
        (artifacts / stage / key).mkdir(parents=True, exist_ok=True)
        (artifacts / stage / key / "story.mp4").write_bytes(bytes(1000))
        (results / key).write_text("{}")
    (results / "orphan").write_text("{}")
    (artifacts / "narrate" / ".half.tmp").mkdir()
    planned = {r.path.name: r.why for r in housekeeping.plan(older_than_days=0, now=2e9)}
    assert planned == {"unused-old": "narrate artifact no kept story uses", "k": "render artifact no kept story uses",
                       ".half.tmp": "left by an interrupted write",
                       "orphan": "result record of an artifact that is gone"}
    assert housekeeping.plan(older_than_days=14) == []  # today: nothing is old enough yet, not even the debris
    freed = housekeeping.remove(housekeeping.plan(older_than_days=0, now=2e9))
    assert freed >= 2000
    assert not (artifacts / "narrate" / "unused-old").exists() and not (results / "unused-old").exists()
    kept = "render-The Lost Lantern"
    assert (artifacts / "render" / kept).is_dir() and (results / kept).exists()
    assert (stories / "stories" / "the-lost-lantern" / "story.mp4").is_file()
    # An old batch goes when asked, and then so do the artifacts only its stories used.
    planned = [r.path.name for r in housekeeping.plan(older_than_days=0, batches_older_than_days=0, now=2e9)]
    assert planned == ["20261201-020000", "render-The Bell"]


def test_clean_frees_what_an_edited_story_left_and_the_kept_story_reruns_fully_cached(prefect_api, fakes, home,
                                                                                    capsys):
    import dataclasses

    import model_registry
    from digiteller import cli
    from fakes import FAKE_MODELS, FAKES
    from flows.story import story_flow
    from tasks.request import StoryRequest

    def make() -> None:
        story_flow(StoryRequest(prompt="a hero under the moon", sentences=2, seed=1, voice="fake-voice",
                                models=FAKE_MODELS, out=str(home / "stories" / "moon")))

    make()
    model_registry.register(dataclasses.replace(FAKES[0], version="2"))  # sentence 2 changes: its old artifacts
    make()                                                                # are left behind
    assert cli.main(["clean", "--older-than", "0", "--dry-run"]) == 0
    listed = capsys.readouterr().out
    left = [line for line in listed.splitlines() if line.startswith("would remove")]
    assert left and all("no kept story uses" in line for line in left) and "run again without --dry-run" in listed
    assert {line.split()[2].split("/")[-2] for line in left} >= {"write_story", "narrate", "illustrate", "upscale"}
    assert cli.main(["clean", "--older-than", "0"]) == 0 and "freed" in capsys.readouterr().out
    assert all(not Path(line.split()[2]).exists() for line in left)
    fakes.clear()
    make()  # the kept story, again: every task comes back from the cache
    assert sum(fakes.values()) == 0
