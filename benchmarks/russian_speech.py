"""How well the Russian narration is heard: every sentence of the genres' Russian example stories (38
sentences of our own Russian) spoken by the Russian voice without and with stress marks (silero-stress),
each heard back by the multilingual Whisper judge; the word error rates side by side.

    python -m benchmarks.russian_speech      # writes benchmarks/russian-speech.json (~3 minutes)

Whisper base is weak on Russian, so the rates rank the two ways of speaking, not the voice's absolute
quality.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from core import atomic, settings

RESULTS = Path(__file__).with_name("russian-speech.json")
VOICES = ("festival-ru", "festival-ru-stressed")  # the default voice, and the same voice reading stress marks


def main() -> None:
    settings.configure_environment()
    import numpy as np

    import model_registry
    from tasks.narrate import judge_for, speak
    from tasks.narration.judge import word_error_rate
    from tasks.narration.spoken import for_speech
    from tasks.request import genre_names, load_genre

    sentences = [line.split(". ", 1)[1] for genre in genre_names()
                 for line in load_genre(genre).example["ru"]["story"].strip().splitlines()]
    judge = model_registry.get("asr", judge_for("ru"))
    rows = []
    for sentence in sentences:
        row = {"text": sentence}
        for voice in VOICES:
            samples, rate = speak(sentence, voice, "ru")
            heard, _ = judge.transcribe(samples, rate, "ru")
            row[voice] = {"heard": heard, "word_error_rate": round(word_error_rate(for_speech(sentence, "ru"),
                                                                                   for_speech(heard, "ru")), 3)}
        rows.append(row)
        print(f"{len(rows)}/{len(sentences)} {row['festival-ru']['word_error_rate']} -> "
              f"{row['festival-ru-stressed']['word_error_rate']}", flush=True)
    result = {"measured": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "sentences": len(rows), "judge": judge.entry.name,
              "word_error_rate": {voice: round(float(np.mean([r[voice]["word_error_rate"] for r in rows])), 3)
                                  for voice in VOICES},
              "rows": rows}
    atomic.write_text(RESULTS, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result["word_error_rate"]))


if __name__ == "__main__":
    main()
