"""How good the stories are, before and after the planning writer, measured by its review (tasks/writing/review.py)
over the 50 English sample prompts, the benchmark's two stories and ten Russian ones.

    python -m benchmarks.quality write      # the new writer tells every prompt (~1 hour on 2 cores)
    python -m benchmarks.quality translate  # Russian the other way: the English story, translated line by line
                                            # (--count N: the first N Russian prompts)
    python -m benchmarks.quality summary    # the figures, before and after: quality.json

"Before" is what the writer of the previous release wrote for the same prompts (tests/data/sample-stories.json for
English, benchmarks/data/writer-before-ru.json for Russian, seed 0), reviewed with the same checks, without a plan (so
its beats cannot be counted). Figures per story: no echoed instruction, stock phrases, a death, a body or a
being eaten, hurt or caged (the share of stories with one), sentences that tell an earlier one again, sentences with no
main clause, sentences that undo an earlier one (the fire put out, then spreading), stories with a character of films
or books by name ("Jack Sparrow"), the hero named consistently (its name, or the prompt's hero, in the first two
sentences and in a third of them), the plan's beats told, Russian words not in the dictionary, adjective-noun pairs
that do not agree, Latin letters inside Russian words. Stories are written with the writer's code as it is when
`write` runs; `summary` reviews every story with the review as it is then.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core import atomic, settings

HERE = Path(__file__).parent
STORIES = HERE / "quality-stories.json"
TRANSLATED = HERE / "quality-translated.json"
RESULTS = HERE / "quality.json"
BEFORE_RU = HERE / "data" / "writer-before-ru.json"
BENCHMARK_PROMPTS = [("a fox who finds a lost lantern", "fairy-tale"), ("a robot who learns to paint", "sci-fi")]
RUSSIAN = ("fairy-tale", 10)


def prompts() -> list[tuple[str, str, str]]:
    """(prompt, genre, language) of every story measured."""
    from tasks.request import genre_names, read_prompts

    english = [(p, genre, "en") for genre in genre_names() for p in read_prompts(None, genre, None)]
    russian = [(p, RUSSIAN[0], "ru") for p in read_prompts(None, RUSSIAN[0], None, "ru")[:RUSSIAN[1]]]
    return [(p, g, "en") for p, g in BENCHMARK_PROMPTS] + english + russian


def write() -> None:
    """Every prompt told by the new writer (seed 0), kept as it goes (a rerun continues)."""
    from core.contracts import as_json
    from tasks.request import load_genre
    from tasks.writing.checks import DegenerateStory
    from tasks.writing.writer import compose_story

    done = json.loads(STORIES.read_text("utf-8")) if STORIES.exists() else []
    seen = {(s["prompt"], s["language"]) for s in done}
    for prompt, genre, language in prompts():
        if (prompt, language) in seen:
            continue
        preset = load_genre(genre)
        started = time.perf_counter()
        row = {"prompt": prompt, "genre": genre, "language": language}
        with _progress_lines() as lines:
            try:
                story = compose_story(prompt, preset, language, preset.sentences, seed=0, model=None)
                row |= {"sentences": list(story.sentences), "plan": as_json(story.plan),
                        "findings": list(story.findings),
                        "candidates": sum(d["purpose"] == "story" for d in story.drafts),
                        "rewrites": sum(d["purpose"] == "rewrite" for d in story.drafts),
                        "choices": sum(d["purpose"] == "choice" for d in story.drafts)}
            except DegenerateStory as exc:
                row["failed"] = str(exc)
        row |= {"candidate_scores": [int(m.group(1)) for line in lines if (m := re.search(r"scores (\d+)", line))],
                "given_up": sum("given up" in line for line in lines),
                "plan_rejected": sum("plan rejected" in line for line in lines)}
        row["seconds"] = round(time.perf_counter() - started, 1)
        done.append(row)
        atomic.write_text(STORIES, json.dumps(done, ensure_ascii=False, indent=1) + "\n")
        print(f"{len(done)} {language} {prompt}: {row['seconds']} s, {row.get('findings', row.get('failed'))}",
              flush=True)


@contextmanager
def _progress_lines() -> Iterator[list[str]]:
    """The writer's progress lines while the block runs (candidates' scores, tellings given up)."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger, handler = logging.getLogger("digiteller.progress"), Keep()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def translate(count: int = RUSSIAN[1]) -> None:
    """The Russian prompts told the other way: the new writer's English story of the same prompt (the sample
    files are line by line translations), each sentence translated by the same model with the story so far."""
    import model_registry
    from tasks.request import load_genre, read_prompts
    from tasks.writing.cleanup import clean_draft
    from tasks.writing.writer import compose_story

    lm = model_registry.get("text")
    genre = RUSSIAN[0]
    pairs = list(zip(read_prompts(None, genre, None)[:count], read_prompts(None, genre, None, "ru")[:count]))
    written = {r["prompt"]: r for r in json.loads(STORIES.read_text("utf-8")) if r["language"] == "en"} \
        if STORIES.exists() else {}
    rows = []
    for english, russian_prompt in pairs:
        preset = load_genre(genre)
        started = time.perf_counter()
        if written.get(english, {}).get("sentences"):  # `write` told it already: only the translation is timed
            sentences, hero = written[english]["sentences"], written[english]["plan"]["hero"]
        else:
            story = compose_story(english, preset, "en", preset.sentences, seed=0, model=None)
            sentences, hero = list(story.sentences), story.plan.hero
        told: list[str] = []
        for sentence in sentences:
            context = " ".join(told[-2:])
            ask = (f"Переведи на русский язык для детской сказки это предложение: «{sentence}»"
                   + (f" Предыдущие предложения: «{context}»." if context else "")
                   + " Ответь только переводом, одним предложением.")
            raw = lm.generate([{"role": "user", "content": ask}], seed=0, max_new_tokens=80, temperature=0.2)
            told.append((clean_draft(raw)[1] or [raw.strip()])[0])
        rows.append({"prompt": russian_prompt, "english_prompt": english, "english": sentences,
                     "sentences": told, "plan_hero": hero,
                     "seconds": round(time.perf_counter() - started, 1)})
        atomic.write_text(TRANSLATED, json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        print(f"{len(rows)} {russian_prompt}: {rows[-1]['seconds']} s", flush=True)


def measured(row: dict, language: str) -> dict:
    """The figures of one story (see the module's docstring)."""
    from core.contracts import Plan, from_json
    from tasks.writing import russian
    from tasks.writing.review import content, hero_name, review, told
    from tasks.writing.writer import renamed

    sentences, prompt = tuple(row["sentences"]), row["prompt"]
    plan = from_json(Plan, row["plan"]) if row.get("plan") else None
    findings = review(sentences, plan, prompt, language)
    checks = [f.check for f in findings]
    named = re.search(r"\b([A-ZА-ЯЁ][a-zа-яё]+)\b", row.get("bible", {}).get("hero", "") or "")  # before plans
    hero = hero_name(plan) or (named.group(1) if named else None) or \
        (russian.hero(prompt) if language == "ru" else prompt.split()[1])
    mentions = [bool(re.search(rf"\b{re.escape(hero[:-1] if language == 'ru' and len(hero) > 4 else hero)}",
                               s, re.IGNORECASE)) for s in sentences]
    out = {"echo": checks.count("echo"), "stock": checks.count("stock"), "grim": checks.count("grim"),
           "repeat": checks.count("repeat"), "copied": checks.count("copied"), "fragment": checks.count("fragment"),
           "undone": checks.count("undone"),
           "known_characters": sum(a != b for a, b in zip(sentences, renamed(sentences, language), strict=True)),
           "hero_consistent": any(mentions[:2]) and sum(mentions) >= max(1, round(len(sentences) / 3)),
           "beats_told": (sum(told(getattr(plan, b), plan, prompt, content(" ".join(sentences)))
                              for b in ("wants", "problem", "turn", "ending")) / 4) if plan else None,
           "relation": checks.count("relation"), "pronoun": checks.count("pronoun"), "tense": checks.count("tense")}
    if language == "ru":
        out |= {"unknown_words": checks.count("unknown"), "agreement_errors": checks.count("agreement"),
                "latin_in_words": checks.count("script"),
                "known_share": round(russian.known_share(" ".join(sentences)), 3)}
    return out


def summary_of(rows: list[dict], language: str) -> dict:
    written = [r for r in rows if r.get("sentences")]
    figures = [measured(r, language) for r in written]
    if not figures:
        return {}

    def mean(key: str) -> float | None:
        values = [f[key] for f in figures if f.get(key) is not None]
        return round(sum(values) / len(values), 3) if values else None

    out = {"stories": len(rows), "written": len(written),
           "no_echo_share": round(sum(f["echo"] == 0 for f in figures) / len(figures), 3),
           "stock_phrases_per_story": mean("stock"), "grim_share": round(sum(f["grim"] > 0 for f in figures)
                                                                         / len(figures), 3),
           "repeated_sentences_per_story": mean("repeat"), "copied_sentences_per_story": mean("copied"),
           "fragments_per_story": mean("fragment"),
           "undone_per_story": mean("undone"), "known_characters_share": round(
               sum(f["known_characters"] > 0 for f in figures) / len(figures), 3),
           "hero_consistent_share": round(sum(f["hero_consistent"] for f in figures) / len(figures), 3),
           "plan_beats_told": mean("beats_told"), "relation_findings_per_story": mean("relation"),
           "pronoun_findings_per_story": mean("pronoun"), "tense_slips_per_story": mean("tense")}
    if language == "ru":
        out |= {"agreement_errors_per_story": mean("agreement_errors"),
                "unknown_words_per_story": mean("unknown_words"),
                "latin_in_words_per_story": mean("latin_in_words"), "known_share": mean("known_share")}
    seconds = [r["seconds"] for r in rows if "seconds" in r]
    if seconds:
        out["seconds_per_story"] = round(sum(seconds) / len(seconds), 1)
    return out


def summary() -> None:
    before_en = json.loads((settings.ROOT / "tests" / "data" / "sample-stories.json").read_text("utf-8"))["stories"]
    before_ru = json.loads(BEFORE_RU.read_text("utf-8")) if BEFORE_RU.exists() else []
    after = json.loads(STORIES.read_text("utf-8"))
    benchmark = [r for r in after if (r["prompt"], r["genre"]) in BENCHMARK_PROMPTS]
    english = [r for r in after if r["language"] == "en" and r not in benchmark]
    result = {"measured": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
              "english": {"before": summary_of(before_en, "en"), "after": summary_of(english, "en")},
              "benchmark_stories": summary_of(benchmark, "en"),
              "russian": {"before": summary_of(before_ru, "ru"),
                          "direct": summary_of([r for r in after if r["language"] == "ru"], "ru")}}
    if TRANSLATED.exists():
        result["russian"]["translated"] = summary_of(json.loads(TRANSLATED.read_text("utf-8")), "ru")
    speech = HERE / "russian-speech.json"
    if speech.exists():
        result["russian"]["narration_word_error_rate"] = json.loads(speech.read_text("utf-8"))["word_error_rate"]
    atomic.write_text(RESULTS, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["write", "translate", "summary"])
    parser.add_argument("--count", type=int, default=RUSSIAN[1], help="translate: how many of the Russian prompts")
    args = parser.parse_args()
    settings.configure_environment()
    if args.step == "translate":
        translate(args.count)
    else:
        {"write": write, "summary": summary}[args.step]()


if __name__ == "__main__":
    main()
