"""The default story writer (Qwen2.5-Coder-1.5B in llama.cpp, from its PyPI parts) writing real stories,
English and Russian. Slow: about 15 s a story here (the first run joins the GGUF parts once)."""

from __future__ import annotations

import re

import pytest

import model_registry
from tasks.request import load_genre, read_prompts
from tasks.writing import russian
from tasks.writing.cleanup import clean_text, split_sentences
from tasks.writing.writer import compose_story

pytestmark = pytest.mark.slow
FRAGMENT = 12  # characters: the most a stopped draft may hold past its last kept sentence (a word or a number)


def assert_clean(sentences: tuple[str, ...], count: int) -> None:
    assert len(sentences) == count
    for sentence in sentences:
        assert sentence.strip() and sentence[-1] in ".!?…"
        assert not re.search(r"[*#`_]|^\s*(\d+[.)]|[-•])\s", sentence), sentence


def past_asked(draft: dict) -> str:
    """What a draft holds after the sentences it was asked for."""
    return " ".join(split_sentences(clean_text(draft["text"]))[draft["asked"]:])


@pytest.mark.parametrize("genre", ["fairy-tale", "sci-fi"])
def test_every_sample_prompt_gets_its_whole_story_in_exactly_the_sentences_asked(genre):
    preset = load_genre(genre)
    for prompt in read_prompts(None, genre, None):
        story = compose_story(prompt, preset, "en", preset.sentences, seed=0, model="qwen2.5-coder-1.5b")
        assert_clean(story.sentences, preset.sentences)
        told = [draft for draft in story.drafts if draft["purpose"] != "bible"]
        for draft in told:  # generation stopped as soon as a sentence past the asked count began
            assert len(past_asked(draft)) <= FRAGMENT, (prompt, draft)
        final = told[-1]  # the story ends where the model's last draft ends: nothing it told was cut
        kept = split_sentences(clean_text(final["text"]))[: final["asked"]]
        assert story.sentences[-1] == kept[-1], (prompt, final)


def test_english_story_is_about_the_prompt_and_describes_its_hero():
    prompt = "a fox who finds a lost lantern"
    story = compose_story(prompt, load_genre("fairy-tale"), "en", 3, seed=0, model="qwen2.5-coder-1.5b")
    assert_clean(story.sentences, 3)
    text = " ".join(story.sentences)
    assert not re.search("[а-яё]", text.lower())
    embedder = model_registry.get("embed")
    prompt_vector, story_vector, unrelated = embedder.encode(
        [prompt, text, "Quarterly revenue grew by four percent in the software segment."])
    mentions = sum(word in text.lower() for word in ("fox", "lantern"))
    assert mentions >= 1 or float(prompt_vector @ story_vector) > 0.4
    assert float(prompt_vector @ story_vector) > float(prompt_vector @ unrelated) + 0.1
    # The model also wrote the bible the pictures follow: a title, the hero's look, the setting.
    assert story.bible.written_by == "qwen2.5-coder-1.5b"
    assert story.title and story.bible.hero and story.bible.setting
    assert "fox" in story.bible.hero.lower()


@pytest.mark.parametrize("genre", ["fairy-tale", "bedtime"])
def test_russian_story_from_a_sample_prompt_is_russian_and_keeps_its_hero(genre):
    prompt = read_prompts(None, genre, None, "ru")[0]
    preset = load_genre(genre)
    story = compose_story(prompt, preset, "ru", preset.sentences, seed=0, model="qwen2.5-coder-1.5b")
    assert_clean(story.sentences, preset.sentences)
    text = " ".join(story.sentences)
    assert russian.known_share(text) >= 0.95
    assert russian.mentions(text, russian.hero(prompt))
    assert story.bible.written_by == "qwen2.5-coder-1.5b"
    assert re.search("[а-яё]", story.title.lower()) and re.search("[а-яё]", story.bible.hero.lower())
