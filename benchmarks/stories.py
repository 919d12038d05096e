"""Stories as a user makes them: `digiteller story` in a process of its own, with the default models and
the genre's 8 sentences, timed stage by stage from its own progress lines; then what came out, measured as a
viewer and a listener would: narration heard back, subtitle sync, picture variety, motion in the shots.

"cold" means an empty artifact cache and a new process (Prefect's local server starts, every model loads;
the story model's GGUF parts were joined by an earlier run, as after a user's first story); "warm" is the
same story again, fully cached.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

import model_registry
from benchmarks import motion
from core import settings

PROMPTS = [("a fox who finds a lost lantern", "fairy-tale"), ("a robot who learns to paint", "sci-fi")]
STAGE_LINE = re.compile(r"^\s+(\w+)(?: for sentence \d+)? done \((\w+)(?:, ([\d.]+) s)?\)")
RENDER_LINE = re.compile(r"render: (.+); ([\d.]+)x real time")


def run_cli_story(prompt: str, genre: str, home: Path) -> dict:
    """`digiteller story` as a user runs it, in its own process: wall seconds (Prefect's start included),
    seconds to the first token, when each stage was done (seconds from the start) and how long its runs
    took (summed over sentences: they overlap, two at a time), where render's time went, and the
    process's peak RSS."""
    env = dict(os.environ, DIGITELLER_HOME=str(home))
    command = [sys.executable, "-m", "digiteller.cli", "story", prompt, "--genre", genre, "--out", str(home / "story")]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=settings.ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    marks: dict[str, float] = {}
    stages: dict[str, dict] = {}
    render: dict = {}
    seen, pending = "", ""
    while chunk := process.stderr.read1(4096).decode(errors="replace"):
        seen += chunk
        now = time.perf_counter() - started
        if "planning (attempt 1" in seen:
            marks.setdefault("drafting", now)
            if re.search(r"planning \(attempt 1[^\n]*\n\s*\S", seen):
                marks.setdefault("first_token", now)
        pending += chunk
        *lines, pending = pending.split("\n")
        for line in lines:
            if "write_story done: " in line:  # write_story reports its story, not its seconds
                marks.setdefault("written", now)
            if match := STAGE_LINE.match(line):
                stage, state, seconds = match.groups()
                row = stages.setdefault(stage, {"ran_seconds": 0.0, "runs": 0, "done_at": 0.0})
                row["ran_seconds"] = round(row["ran_seconds"] + float(seconds or 0), 2)
                row["runs"] += state != "Cached"
                row["done_at"] = round(now, 2)
            if match := RENDER_LINE.search(line):
                render = {"parts_seconds": {part.rsplit(" ", 2)[0]: float(part.rsplit(" ", 2)[1])
                                            for part in match.group(1).split(", ")},
                          "real_time_factor": float(match.group(2))}
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS, not the largest of all children
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"benchmark story failed: {seen[-800:]}")
    writing = {"first_token_seconds": round(marks["first_token"], 2),
               "write_story_seconds": round(marks["written"] - marks["drafting"], 2)} if "drafting" in marks else {}
    return {"wall_seconds": round(wall, 2), **writing, "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "stages": stages, "render": render}


def token_counts(folder: Path) -> dict:
    """Tokens the writer generated for the story (every telling, finish and rewrite; the plan's apart)
    against the tokens of the sentences the story kept, counted with the story model's own tokenizer; and
    what its drafts were (the candidates told, the rewrites tried)."""
    from transformers import AutoTokenizer

    from tasks.writing.cleanup import numbered

    gguf = model_registry.entry("text").file("model.gguf")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    report = json.loads((folder / "story.json").read_text("utf-8"))

    def count(text: str) -> int:
        return len(tokenizer(text)["input_ids"])

    story = sum(count(d["text"]) for d in report["drafts"] if d["purpose"] != "plan")
    kept = count(numbered([s["text"] for s in report["sentences"]]))
    purposes = [d["purpose"] for d in report["drafts"]]
    return {"tokens_generated": story, "tokens_kept": kept, "generated_per_kept": round(story / kept, 2),
            "plan_tokens": sum(count(d["text"]) for d in report["drafts"] if d["purpose"] == "plan"),
            "candidates": purposes.count("story"), "rewrites": purposes.count("rewrite"),
            "findings": report.get("findings", []),
            "drafts": [d["purpose"] + (" (ran on)" if d["ran_on"] else "") for d in report["drafts"]]}


def story_quality(folder: Path) -> dict:
    """Whisper word error rate of the narration, and subtitle sync (Whisper's word times vs our cues)."""
    from tasks.narration.judge import word_error_rate
    from tasks.narration.spoken import for_speech
    from tasks.rendering.media import audio_of

    report = json.loads((folder / "story.json").read_text("utf-8"))
    audio = audio_of(folder / "story.mp4", rate=16_000).mean(axis=1)
    judge = model_registry.get("asr")
    errors, offsets = [], []
    for sentence in report["sentences"]:
        start, end = sentence["voice_start"], sentence["voice_end"]
        clip = audio[int((start - 0.1) * 16_000):int((end + 0.3) * 16_000)]
        heard, words = judge.transcribe(clip, 16_000)
        errors.append(word_error_rate(for_speech(sentence["text"], "en"), for_speech(heard, "en")))
        if words:
            offsets += [abs(words[0].start - 0.1), abs(words[-1].end - 0.1 - (end - start))]
    return {"narration_word_error_rate": round(float(np.mean(errors)), 3),
            "subtitle_sync_error_seconds": round(float(np.mean(offsets)), 3) if offsets else None}


def picture_variety(home: Path) -> dict:
    """How much each picture of a story differs from the one before (grey 64x36 thumbnails' mean absolute
    difference, 0-255) and in how many of those pairs the hero moved, changed framing or changed pose."""
    report = json.loads((home / "story" / "story.json").read_text("utf-8"))
    keys = [item["key"] for item in report["artifacts"]["illustrate"]]
    thumbs = [np.asarray(Image.open(home / "cache" / "artifacts" / "illustrate" / key / "picture.png")
                         .convert("L").resize((64, 36)), np.float32) for key in keys]
    shots = report["shots"]
    return {"least_difference_between_pictures": round(min(float(np.abs(a - b).mean())
                                                           for a, b in zip(thumbs, thumbs[1:])), 2),
            "hero_moved_share": round(sum((a["hero"]["x"], a["framing"], a["hero"]["pose"]) !=
                                          (b["hero"]["x"], b["framing"], b["hero"]["pose"])
                                          for a, b in zip(shots, shots[1:])) / (len(shots) - 1), 2)}


def motion_figures(home: Path) -> dict:
    """What moves in the story's shots (benchmarks/motion.py), and whether any two are the same picture."""
    shares = motion.motion(home / "story")
    travels = motion.hero_travel(home / "story", home)
    return {"motion_per_shot": shares, "least_motion": min(shares), "median_motion": round(float(np.median(shares)), 4),
            "walk_run_hero_travel": travels} | motion.distinct(home / "story")


def bench_stories() -> dict:
    """Each sample story as a user makes it (`digiteller story`, the genre's 8 sentences): cold in a fresh
    home (the story model's GGUF already joined, as after the first story), then warm (everything cached)."""
    out: dict = {"stories": []}
    with tempfile.TemporaryDirectory(prefix="digiteller-bench-") as scratch:
        for i, (prompt, genre) in enumerate(PROMPTS):
            home = Path(scratch) / f"story{i}"
            cold = run_cli_story(prompt, genre, home)
            warm = run_cli_story(prompt, genre, home)
            report = json.loads((home / "story" / "story.json").read_text("utf-8"))
            out["stories"].append({"prompt": prompt, "genre": genre, "sentences": len(report["sentences"]),
                                   "video_seconds": report["duration"], "cold": cold,
                                   "warm_seconds": warm["wall_seconds"]}
                                  | token_counts(home / "story") | story_quality(home / "story")
                                  | picture_variety(home) | motion_figures(home))
    return out
