"""Write the stories of all 50 sample prompts (10 per genre) with the default story model, seeded, into
tests/data/ — each as `digiteller story` would write it: checked, finished where needed, with its bible.

    python scripts/sample_stories.py [--model NAME]      # ~20 minutes on 2 cores with Qwen2.5-Coder-1.5B

The picture tests read them: they check what the painter makes of real model text along a whole story
(variety from picture to picture, the hero moving), and writing 50 stories in every test run would take
as long as the rest of the suite. Rerun it when the prompts, the writer or the default model change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import atomic, settings  # noqa: E402 - the repository need not be installed to run this

TARGET = ROOT / "tests" / "data" / "sample-stories.json"
SEED = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="a text model from `digiteller models` (default: the default)")
    args = parser.parse_args()
    settings.configure_environment()
    import model_registry
    from core.contracts import as_json
    from tasks.request import genre_names, load_genre, read_prompts
    from tasks.writing.writer import compose_story

    model = model_registry.get("text", args.model).entry.name
    stories = []
    for genre in genre_names():
        preset = load_genre(genre)
        for prompt in read_prompts(None, genre, None):
            told = compose_story(prompt, preset, "en", preset.sentences, SEED, model)
            stories.append({"genre": genre, "prompt": prompt, "sentences": list(told.sentences),
                            "bible": as_json(told.bible)})
            atomic.write_json(TARGET, {"model": model, "seed": SEED, "stories": stories})  # kept if a later one fails
            print(f"{len(stories)}/50 {genre}: {prompt}", file=sys.stderr, flush=True)
    print(f"{len(stories)} stories in {TARGET}")


if __name__ == "__main__":
    main()
