"""Write the stories of all 50 sample prompts (10 per genre) with SmolLM2, seeded, into tests/data/.

    python scripts/sample_stories.py      # a few minutes on 2 cores

The picture tests read them: they check what the painter makes of real model text along a whole story
(variety from picture to picture, the hero moving), and writing 50 stories in every test run would take
as long as the rest of the suite. Rerun it when the prompts change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import atomic, settings  # noqa: E402 - the repository need not be installed to run this

TARGET = ROOT / "tests" / "data" / "sample-stories.json"


def main() -> None:
    settings.configure_environment()
    import model_registry
    from tasks.request import genre_names, load_genre, read_prompts
    from tasks.story import ATTEMPTS, DegenerateStory, build_messages, tell

    lm = model_registry.get("text", "smollm2-135m")
    stories = []
    for genre in genre_names():
        preset = load_genre(genre)
        for prompt in read_prompts(None, genre, None):
            messages = build_messages(prompt, preset, "en", preset.sentences)
            for seed in range(ATTEMPTS):  # as the writer redrafts; SmolLM2 cannot write a bible: the prompt's
                try:
                    sentences = tell(lm, messages, prompt, "en", preset.sentences, seed, [])
                    break
                except DegenerateStory as exc:
                    print(f"{genre}: {prompt}: {exc}", file=sys.stderr)
            else:
                continue
            bible = {"hero": prompt, "setting": "", "prompt": prompt, "scenery": preset.visual.get("setting", ""),
                     "style": preset.visual["style"], "palette": ",".join(preset.visual["palette"]),
                     "written_by": "prompt"}
            stories.append({"genre": genre, "prompt": prompt, "sentences": list(sentences), "bible": bible})
            atomic.write_json(TARGET, {"model": "smollm2-135m", "seed": 0, "stories": stories})
    print(f"{len(stories)} stories in {TARGET}")


if __name__ == "__main__":
    main()
