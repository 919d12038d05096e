"""DigiTeller's speed and quality figures, measured in one run on this machine.

    python -m benchmarks                 # everything (about 15 minutes on 2 cores), writes benchmarks/results.json
    python -m benchmarks --quick         # components only, no full stories
    python -m benchmarks --table         # the README's table of the results

components.py measures each model alone; stories.py makes stories as a user does and times their stages
from the CLI's own progress; motion.py measures what moves in their shots.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from benchmarks import components, stories
from core import atomic, machine, settings

RESULTS = Path(__file__).with_name("results.json")


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
    for story in results.get("stories", {}).get("stories", []):
        cold = story["cold"]
        render = cold.get("render", {})
        parts = ", ".join(f"{part} {seconds} s" for part, seconds in render.get("parts_seconds", {}).items())
        rows.append((f"story: {story['prompt']} ({story['sentences']} sentences, {story['video_seconds']:.0f} s video)",
                     f"cold {cold['wall_seconds']} s (first token at {cold['first_token_seconds']} s, writing "
                     f"{cold['write_story_seconds']} s, render {render.get('real_time_factor')}x real time: {parts}), "
                     f"warm {story['warm_seconds']} s; peak RSS "
                     f"{cold['peak_rss_mb']} MB; tokens generated/kept {story['tokens_generated']}/"
                     f"{story['tokens_kept']} ({story['generated_per_kept']}x); narration WER "
                     f"{story['narration_word_error_rate']}, subtitle sync error "
                     f"{story['subtitle_sync_error_seconds']} s; pictures in a row differ by at least "
                     f"{story.get('least_difference_between_pictures')}, the hero moved in "
                     f"{story.get('hero_moved_share', 0):.0%} of them; motion per shot at least "
                     f"{story.get('least_motion', 0):.1%}, median {story.get('median_motion', 0):.1%}; walking "
                     f"hero travels {', '.join(f'{t:.0%}' for t in story.get('walk_run_hero_travel', [])) or 'none'} "
                     f"of the frame; repeated pictures {story.get('repeated_pictures')}"))
    return "\n".join(["| measure | result |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows])


SECTIONS = {"text": components.bench_text, "tts": components.bench_tts, "music": components.bench_music,
            "pictures": components.bench_pictures}


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
        results[name] = (SECTIONS | {"stories": stories.bench_stories})[name]()
        results["peak_rss_mb"] = round(components.peak_rss_mb())
        atomic.write_text(target, json.dumps(results, indent=1, ensure_ascii=False) + "\n")  # kept if a later one fails
    print(table(results))


if __name__ == "__main__":
    main()
