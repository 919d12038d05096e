"""The components' figures, each measured alone: the story model's runtimes (each in a process of its
own), the voices, the music, the painter and the upscalers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import model_registry
from core import settings


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
