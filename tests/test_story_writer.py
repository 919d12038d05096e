"""The default story writer (Qwen2.5-Coder-1.5B in llama.cpp, from its PyPI parts) planning and writing real
stories, English and Russian. Slow: about a minute a story on 2 cores (the first run joins the GGUF parts
and evaluates each genre's example once)."""

from __future__ import annotations

import re

import pytest

import model_registry
from tasks.request import load_genre
from tasks.writing import russian
from tasks.writing.cleanup import clean_text, split_sentences
from tasks.writing.review import hero_name, review
from tasks.writing.writer import compose_story

pytestmark = pytest.mark.slow
FRAGMENT = 12  # characters: the most a stopped draft may hold past its last kept sentence (a word or a number)
MODEL = "qwen2.5-coder-1.5b"


def assert_clean(sentences: tuple[str, ...], count: int) -> None:
    assert len(sentences) == count
    for sentence in sentences:
        assert sentence.strip() and sentence[-1] in ".!?…"
        assert not re.search(r"[*#`_]|^\s*(\d+[.)]|[-•])\s", sentence), sentence


def past_asked(draft: dict) -> str:
    """What a draft holds after the sentences it was asked for."""
    return " ".join(split_sentences(clean_text(draft["text"]))[draft["asked"]:])


@pytest.mark.parametrize("prompt, genre", [("a fox who finds a lost lantern", "fairy-tale"),
                                           ("a robot who learns to paint", "sci-fi")])
def test_a_planned_story_is_told_whole_in_exactly_the_sentences_asked_about_its_prompt(prompt, genre):
    preset = load_genre(genre)
    story = compose_story(prompt, preset, "en", preset.sentences, seed=0, model=MODEL)
    assert_clean(story.sentences, preset.sentences)
    for draft in story.drafts:  # generation stopped as soon as a sentence past the asked count began
        if draft["purpose"] in ("story", "finish", "ending"):
            assert len(past_asked(draft)) <= FRAGMENT, draft
    assert story.plan and story.title == story.plan.title and story.bible.hero == story.plan.hero
    name = hero_name(story.plan)  # the hero has a name ("Pip, a robot", "a robot named Pip") ...
    assert name and sum(name in s for s in story.sentences) >= 3  # ... and is called by it
    subject = prompt.split()[1]  # fox, robot: the prompt's hero is the story's
    assert subject in f"{story.plan.hero} {' '.join(story.sentences)}".lower()
    found = {f.check for f in review(story.sentences, story.plan, prompt, "en")}
    assert not found & {"echo", "hero", "relation"}, story.findings


def test_russian_story_is_russian_keeps_its_hero_and_its_words_agree():
    prompt, preset = "лиса находит потерянный фонарь", load_genre("fairy-tale")
    story = compose_story(prompt, preset, "ru", preset.sentences, seed=0, model=MODEL)
    assert_clean(story.sentences, preset.sentences)
    text = " ".join(story.sentences)
    assert russian.known_share(text) >= 0.95
    assert russian.mentions(f"{story.plan.hero} {text}", "лиса")
    assert story.bible.written_by == MODEL and re.search("[а-яё]", story.title.lower())
    found = {f.check for f in review(story.sentences, story.plan, prompt, "ru")}
    assert not found & {"echo", "script"}, story.findings


def test_the_same_request_gets_the_same_reply_whether_its_beginning_is_evaluated_or_restored():
    """A story's requests begin with its genre's instructions and example: the first story evaluates them
    and keeps the slot on disk, the next restores it. Either way the same request, same seed, same reply."""
    from tasks.writing.prompts import plan_messages

    writer = model_registry.get("text", MODEL)
    messages = plan_messages("a little bear who counts the stars", load_genre("bedtime"), "en")
    name = "test-bedtime-en"
    for kept in writer.slots.glob(f"*-{name}.bin"):
        kept.unlink()
    replies = []
    for _ in range(2):  # evaluated and saved, then restored
        writer.remember(messages[:-1], name)
        replies.append(writer.generate(messages, seed=5, max_new_tokens=24, temperature=0.7, reuse=True))
        assert list(writer.slots.glob(f"*-{name}.bin"))
    assert replies[0] == replies[1] and replies[0].strip()
