"""DigiTeller's speed and quality figures, measured in one run on this machine.

    python -m benchmarks                 # everything (about 15 minutes on 2 cores), writes benchmarks/results.json
    python -m benchmarks --quick         # components only, no full stories

Stories are made as a user makes them, `digiteller story` in a process of its own, with the default
models and the genre's 8 sentences. "cold" means an empty artifact cache and a new process (Prefect's
local server starts, every model loads; the story model's GGUF parts were joined by an earlier run, as
after a user's first story, whose one-time cost is the "first run" figure); "warm" is the same story
again, fully cached.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

import model_registry
from core import atomic, machine, settings

RESULTS = Path(__file__).with_name("results.json")
PROMPTS = [("a fox who finds a lost lantern", "fairy-tale"), ("a robot who learns to paint", "sci-fi")]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timer(into: dict, key: str):
    started = time.perf_counter()
    yield
    into[key] = round(time.perf_counter() - started, 3)


def bench_text() -> dict:
    """Each runtime of the story model in a process of its own (so each peak RSS is its own); the first
    run's preparation (joining the GGUF parts) in a fresh models folder."""
    runs = [("qwen2.5-coder-1.5b", 1), ("qwen2.5-coder-1.5b", 2), ("qwen2.5-coder-1.5b-transformers", 1)]
    out: dict = {"runtimes": [measure_runtime(name, threads) for name, threads in runs]}
    with tempfile.TemporaryDirectory(prefix="digiteller-first-run-") as models:
        out["first_run"] = measure_runtime("qwen2.5-coder-1.5b", 2, models=models)
    return out


def measure_runtime(name: str, threads: int, models: str | None = None) -> dict:
    env = dict(os.environ, **({"DIGITELLER_MODELS": models} if models else {}))
    result = subprocess.run([sys.executable, "-m", "benchmarks.text_runtime", name, "--threads", str(threads)],
                            env=env, cwd=settings.ROOT, capture_output=True, text=True, check=True, timeout=1800)
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_tts() -> dict:
    from tasks.narrate import speak

    text = {"en": "The little fox carried the lantern through the dark forest and found her way home.",
            "ru": "Маленькая лиса несла фонарь через тёмный лес и нашла дорогу домой."}
    out = {}
    for voice, language in (("joe", "en"), ("festival-ru", "ru"), ("espeak-ru", "ru")):
        speak(text[language], voice, language)  # load
        started = time.perf_counter()  # wall time: Festival and espeak run as child processes
        samples, rate = speak(text[language], voice, language)
        wall = time.perf_counter() - started
        out[voice] = {"real_time_factor": round(wall / (len(samples) / rate), 3),
                      "audio_seconds": round(len(samples) / rate, 2)}
    return out


def bench_music() -> dict:
    import torch
    from safetensors import safe_open

    out = {}
    for name in ("music-transformer", "mood-chords"):
        composer = model_registry.get("music", name)
        started = time.perf_counter()
        composer.compose(seconds=60, tempo=90, mode="minor", key="A", instruments=["acoustic grand piano"], seed=0)
        out[name] = {"seconds_for_60s": round(time.perf_counter() - started, 2)}
    mt = model_registry.get("music", "music-transformer")
    started = time.perf_counter()
    mt.model.sample([388], 512, generator=torch.Generator().manual_seed(0))
    out["music-transformer"]["sampling_tokens_per_second"] = round(512 / (time.perf_counter() - started))
    with safe_open(str(mt.entry.file(mt.entry.files[0].name)), framework="pt") as handle:
        meta = handle.metadata()
    out["music-transformer"] |= {"validation_loss": float(meta["val_loss"]), "training_steps": int(meta["step"]),
                                 "arrangements_in_key": arrangements_in_key(mt)}
    return out


def arrangements_in_key(composer, seeds: int = 12) -> str:
    """How many arrangements (every genre's mood, `seeds` seeds, 4 and 8 bars) a key finder hears in
    the requested key and mode, as "kept/total"."""
    from model_registry.music.theory import estimate_key, pitch_class_seconds, tonic_pitch_class
    from model_registry.music.transformer_composer import SLOW_TEMPO, arrange
    from tasks.request import genre_names, load_genre

    kept = total = 0
    for genre in genre_names():
        mood = load_genre(genre).music
        tempo = sum(mood.tempo) / 2
        beat = 60 / tempo
        for seed in range(seeds):
            for bars in (4, 8):
                lead = composer.melody(seconds=bars * 4 * beat, beat=beat,
                                       step=beat if tempo < SLOW_TEMPO else beat / 2,
                                       key=mood.key, mode=mood.mode, seed=seed)
                midi = arrange(lead, bars=bars, beat=beat, key=mood.key, mode=mood.mode,
                               instruments=mood.instruments, tempo=tempo)
                total += 1
                kept += estimate_key(pitch_class_seconds(midi)) == (tonic_pitch_class(mood.key), mood.mode)
    return f"{kept}/{total}"


def bench_pictures() -> dict:
    from core.contracts import Bible
    from model_registry.pictures.shots import plan
    from tasks.request import load_genre

    look = load_genre("fairy-tale").look
    bible = Bible(hero="a fox who finds a lost lantern", setting=look.scenery, prompt="a fox who finds a lost lantern",
                  written_by="benchmark")
    painter = model_registry.get("illustrate")
    sentences = ("At night the fox saw a dragon near the castle.", "At dawn the fox drank water by the river.",
                 "The fox painted a picture in the gallery.", "The crew cheered on the deck of the ship.",
                 "The fox slept in a warm bed.", "The fox cooked soup in the kitchen.",
                 "The fox ran through the forest in the rain.", "The villagers sang in the town square.")
    plan(sentences, bible, look)  # loads the reader's embeddings once
    started = time.perf_counter()
    shots = plan(sentences, bible, look)
    planned = time.perf_counter()
    pictures = [painter.paint(text=s, bible=bible, look=look, shot=shot, size=(320, 180), seed=1).picture
                for s, shot in zip(sentences, shots)]
    painted = time.perf_counter()
    out = {"shot_plan_seconds_per_sentence": round((planned - started) / len(sentences), 3),
           "scene_painter_seconds_per_picture": round((painted - planned) / len(sentences), 3),
           "scene_painter_images_per_minute": round(60 * len(sentences) / (painted - planned), 1)}
    for name in ("realesr-animevideov3-x4", "realesrgan-x4plus"):
        upscaler = model_registry.get("upscale", name)
        started = time.perf_counter()
        upscaler.upscale(pictures[0])
        out[f"{name}_seconds_per_720p_frame"] = round(time.perf_counter() - started, 2)
    out["peak_rss_mb_after_upscalers"] = round(peak_rss_mb())
    return out


def bench_render() -> dict:
    from tasks.rendering.encode import encode
    from tasks.rendering.frames import Scene, card, frame_at
    from tasks.rendering.subtitles import Caption

    size, total, palette = (1280, 720), 20.0, ((0x22, 0x33, 0x44), (0x44, 0x55, 0x66))
    picture = Image.effect_mandelbrot(size, (-2, -1.2, 1, 1.2), 60).convert("RGB")
    scenes = [Scene(card(size, palette, "Title"), 0, 2.5)]
    for i, start in enumerate((2.5, 8.5, 14.0)):
        scenes.append(Scene(picture, start, min(total - 2.5, start + 6), motion=i,
                            caption=Caption.draw("A sentence long enough to wrap onto a second line of text.", size),
                            cue=(start + 0.2, start + 5)))
    scenes.append(Scene(card(size, palette, "The End"), total - 2.5, total))
    with tempfile.TemporaryDirectory() as folder:
        from core.audio import write_wav

        write_wav(Path(folder) / "a.wav", np.zeros((int(total * 44100), 2), np.float32), 44100)
        started = time.perf_counter()
        encode(lambda t: frame_at(scenes, t, size, total), size, Path(folder) / "a.wav", total, Path(folder) / "v.mp4")
        wall = time.perf_counter() - started
    return {"video_seconds_per_wall_second_720p": round(total / wall, 2)}


def run_cli_story(prompt: str, genre: str, home: Path) -> dict:
    """`digiteller story` as a user runs it, in its own process: wall seconds (Prefect's start included),
    seconds to the first token of the story, the writer's seconds and the process's peak RSS."""
    env = dict(os.environ, DIGITELLER_HOME=str(home))
    command = [sys.executable, "-m", "digiteller.cli", "story", prompt, "--genre", genre, "--out", str(home / "story")]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=settings.ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    marks: dict[str, float] = {}
    seen = ""
    while chunk := process.stderr.read1(4096).decode(errors="replace"):
        seen += chunk
        now = time.perf_counter() - started
        if "drafting (attempt 1" in seen:
            marks.setdefault("drafting", now)
            if re.search(r"drafting \(attempt 1[^\n]*\n\s*\S", seen):
                marks.setdefault("first_token", now)
        if "write_story done" in seen:
            marks.setdefault("written", now)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS, not the largest of all children
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"benchmark story failed: {seen[-800:]}")
    writing = {"first_token_seconds": round(marks["first_token"], 2),
               "write_story_seconds": round(marks["written"] - marks["drafting"], 2)} if "drafting" in marks else {}
    return {"wall_seconds": round(wall, 2), **writing, "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def token_counts(folder: Path) -> dict:
    """Tokens the writer generated (every draft, and the bible's answers apart) against the tokens of the
    sentences the story kept, counted with the story model's own tokenizer."""
    from transformers import AutoTokenizer

    from tasks.story import numbered

    gguf = model_registry.entry("text").file("model.gguf")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    report = json.loads((folder / "story.json").read_text("utf-8"))

    def count(text: str) -> int:
        return len(tokenizer(text)["input_ids"])

    story = sum(count(d["text"]) for d in report["drafts"] if d["purpose"] != "bible")
    kept = count(numbered([s["text"] for s in report["sentences"]]))
    return {"tokens_generated": story, "tokens_kept": kept, "generated_per_kept": round(story / kept, 2),
            "bible_tokens": sum(count(d["text"]) for d in report["drafts"] if d["purpose"] == "bible"),
            "drafts": [d["purpose"] + (" (ran on)" if d["ran_on"] else "") for d in report["drafts"]]}


def story_quality(folder: Path) -> dict:
    """Whisper word error rate of the narration, and subtitle sync (Whisper's word times vs our cues)."""
    from tasks.media import audio_of
    from tasks.narration.judge import word_error_rate
    from tasks.narration.spoken import for_speech

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
                                  | picture_variety(home))
    return out


def table(results: dict) -> str:
    """The README's summary of a results file (the sections it has), as a markdown table."""
    rows = []
    if text := results.get("text"):
        runtimes = {(r["model"], r["threads"]): r for r in text["runtimes"]}
        fast, fast2 = runtimes[("qwen2.5-coder-1.5b", 1)], runtimes[("qwen2.5-coder-1.5b", 2)]
        slow = runtimes[("qwen2.5-coder-1.5b-transformers", 1)]
        rows += [("story model (llama.cpp)", f"load {fast2['load_seconds']} s; {fast['tokens_per_second']} tok/s "
                                             f"(1 thread), {fast2['tokens_per_second']} tok/s (2 threads); peak RSS "
                                             f"{fast2['peak_rss_mb']} MB"),
                 ("story model (transformers fp32, the fallback)",
                  f"load {slow['load_seconds']} s; {slow['tokens_per_second']} tok/s (1 thread); peak RSS "
                  f"{slow['peak_rss_mb']} MB"),
                 ("first run (GGUF parts joined)", f"{text['first_run']['load_seconds']} s, peak RSS "
                                                   f"{text['first_run']['peak_rss_mb']} MB")]
    if tts := results.get("tts"):
        rows.append(("narration real-time factor", ", ".join(f"{v} {d['real_time_factor']}" for v, d in tts.items())))
    if music := results.get("music"):
        model = music["music-transformer"]
        rows.append(("music: 60 s of music", f"{model['seconds_for_60s']} s (Music Transformer, "
                                             f"{model['sampling_tokens_per_second']} events/s sampling, val loss "
                                             f"{model['validation_loss']}, {model['arrangements_in_key']} "
                                             f"arrangements in key); {music['mood-chords']['seconds_for_60s']} s "
                                             f"(chords)"))
    if pictures := results.get("pictures"):
        rows.append(("pictures", f"shot plan {pictures['shot_plan_seconds_per_sentence']} s/sentence, painting "
                                 f"{pictures['scene_painter_seconds_per_picture']} s/picture; upscale to 720p "
                                 f"{pictures['realesr-animevideov3-x4_seconds_per_720p_frame']} s (compact), "
                                 f"{pictures['realesrgan-x4plus_seconds_per_720p_frame']} s (x4plus)"))
    if render := results.get("render"):
        rows.append(("render 720p", f"{render['video_seconds_per_wall_second_720p']}x real time"))
    for story in results.get("stories", {}).get("stories", []):
        cold = story["cold"]
        rows.append((f"story: {story['prompt']} ({story['sentences']} sentences, {story['video_seconds']:.0f} s video)",
                     f"cold {cold['wall_seconds']} s (first token at {cold['first_token_seconds']} s, writing "
                     f"{cold['write_story_seconds']} s), warm {story['warm_seconds']} s; peak RSS "
                     f"{cold['peak_rss_mb']} MB; tokens generated/kept {story['tokens_generated']}/"
                     f"{story['tokens_kept']} ({story['generated_per_kept']}x); narration WER "
                     f"{story['narration_word_error_rate']}, subtitle sync error "
                     f"{story['subtitle_sync_error_seconds']} s; pictures in a row differ by at least "
                     f"{story.get('least_difference_between_pictures')}, the hero moved in "
                     f"{story.get('hero_moved_share', 0):.0%} of them"))
    return "\n".join(["| measure | result |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows])


SECTIONS = {"text": bench_text, "tts": bench_tts, "music": bench_music, "pictures": bench_pictures,
            "render": bench_render}


def main() -> None:
    settings.configure_environment()  # before torch and prefect load
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="component figures only")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--table", action="store_true", help="print the markdown table of --out and exit")
    parser.add_argument("--conditions", default="", help="what else ran on the machine, recorded with the figures")
    parser.add_argument("--sections", nargs="+", choices=[*SECTIONS, "stories"],
                        help="measure only these, keeping --out's other figures")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(Path(args.out).read_text())))
        return
    torch.set_num_threads(1)
    target = Path(args.out)
    results = json.loads(target.read_text()) if args.sections and target.exists() else {}
    results |= {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
                            "platform": platform.platform(), "cpu_flags": sorted(machine.cpu_flags() or ())},
                "measured": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "conditions": args.conditions}
    wanted = args.sections or [*SECTIONS, *([] if args.quick else ["stories"])]
    for name in wanted:
        print(f"benchmark: {name}…", file=sys.stderr, flush=True)
        results[name] = (SECTIONS | {"stories": bench_stories})[name]()
        results["peak_rss_mb"] = round(peak_rss_mb())
        atomic.write_text(target, json.dumps(results, indent=1, ensure_ascii=False) + "\n")  # kept if a later one fails
    print(table(results))


if __name__ == "__main__":
    main()
