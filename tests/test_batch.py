"""The batch flow: many stories, one failing on purpose, and a summary of what happened."""

from __future__ import annotations

import json
import pickle
import re

import pytest

import model_registry
from fakes import FAKE_MODELS, FakeWriter
from flows.batch import BatchFailed, batch_flow, failed_stage
from flows.story import StageFailed
from model_registry.catalogue import Entry
from tasks.request import BadRequest, BatchRequest, read_prompts
from tasks.writing.checks import DegenerateStory


class CursedWriter(FakeWriter):
    """Writes like the fake writer, except about anything cursed (a permanent failure)."""

    def generate(self, messages, **kwargs):
        if any("cursed" in message["content"] for message in messages):  # the plan, the telling, the mending
            return "* a list\n* of tips\n* not a story"
        return super().generate(messages, **kwargs)


def test_one_failed_story_does_not_stop_the_others_and_the_batch_ends_failed(prefect_api, fakes, home):
    model_registry.register(Entry(stage="text", name="cursed-writer", adapter=CursedWriter, languages=("en",)))
    prompts = home / "prompts.txt"
    prompts.write_text("# tonight's stories\na hero under the moon\n\na cursed hero\na hero at sea\n", "utf-8")
    request = BatchRequest.read(str(prompts), concurrency=2, out=str(home / "batch"), sentences=2,
                                models={**FAKE_MODELS, "text": "cursed-writer"}, genre="fairy-tale")
    state = batch_flow(request, return_state=True)
    assert state.is_failed() and state.message == "1 of 3 stories failed"  # red in the UI, for automations
    with pytest.raises(BatchFailed) as failure:
        state.result()
    summary = failure.value.summary
    assert (summary["stories"], summary["completed"], summary["failed"]) == (3, 2, 1)
    failed = next(r for r in summary["results"] if r["status"] == "failed")
    assert failed["prompt"] == "a cursed hero" and failed["failed_stage"] == "write_story"
    assert "no usable story" in failed["error"]
    for row in summary["results"]:
        if row["status"] == "completed":
            assert (home / "batch" / f"{row['number']:03d}" / "story.mp4").is_file()
    assert fakes["text:loads"] == 1  # the batch holds one writer for all its stories
    on_disk = json.loads((home / "batch" / "summary.json").read_text("utf-8"))
    assert on_disk["results"] == summary["results"]


def test_prompts_come_from_a_file_or_the_genre_samples(tmp_path):
    assert len(read_prompts(None, "mystery", 7)) == 7
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 story\n".encode("latin-1"))
    with pytest.raises(BadRequest, match="not UTF-8"):
        read_prompts(str(bad), "mystery", None)
    with pytest.raises(BadRequest, match="does not exist"):
        read_prompts(str(tmp_path / "missing.txt"), "mystery", None)
    (tmp_path / "empty.txt").write_text("# only a comment\n\n")
    with pytest.raises(BadRequest, match="no prompts"):
        read_prompts(str(tmp_path / "empty.txt"), "mystery", None)


def test_the_failed_stage_comes_from_the_exception_not_its_text():
    assert failed_stage(StageFailed("narrate", 3, "RuntimeError: x")) == "narrate"
    assert failed_stage(StageFailed("compose_music", None, "ValueError: the narrate stage failed")) == "compose_music"
    assert failed_stage(DegenerateStory("no usable story after 3 drafts")) == "write_story"
    assert failed_stage(BadRequest("unknown genre")) == "request"
    assert failed_stage(RuntimeError("StageFailed: narrate failed")) is None
    assert str(StageFailed("narrate", 3, "RuntimeError: x")) == "narrate for sentence 3 failed: RuntimeError: x"
    copy = pickle.loads(pickle.dumps(StageFailed("upscale", 2, "MemoryError")))  # as Prefect stores it
    assert (copy.stage, copy.sentence, str(copy)) == ("upscale", 2, "upscale for sentence 2 failed: MemoryError")


def test_a_batch_on_the_command_line_prints_one_labelled_line_per_event(prefect_api, fakes, home, capsys):
    """Two stories at once: their progress lines never interleave mid-line, each names its story."""
    from digiteller import cli

    prompts = home / "prompts.txt"
    prompts.write_text("a hero under the moon\na hero at sea\n", "utf-8")
    models = [f"--model={stage}={name}" for stage, name in FAKE_MODELS.items()]
    assert cli.main(["batch", str(prompts), "--concurrency", "2", "--sentences", "2", "--out", str(home / "b"),
                     *models]) == 0
    lines = capsys.readouterr().err.splitlines()
    events = [line for line in lines if line.startswith("  ")]
    labelled = [line for line in events if line.startswith("  [story ")]
    assert {line[:11] for line in labelled} == {"  [story 1]", "  [story 2]"}
    stages = "write_story|plan_shots|narrate|illustrate|upscale|compose_music|render|publish|story ready"
    assert all(re.fullmatch(rf"  \[story \d\] ({stages})\b.*", line) for line in labelled), labelled
    assert [line for line in events if line not in labelled and not line.startswith("  batch")] == []
