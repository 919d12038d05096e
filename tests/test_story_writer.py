"""The default story writer (Qwen2.5-1.5B from PyPI parts) writing real stories, English and Russian.

Slow: the first run converts the GGUF once (~1 min, kept in outputs/cache/models), then each story
takes about a minute on this CPU.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import model_registry
from tasks.request import load_genre
from tasks.story import compose_story

pytestmark = pytest.mark.slow


def assert_clean(sentences: tuple[str, ...], count: int) -> None:
    assert len(sentences) == count
    for sentence in sentences:
        assert sentence.strip() and sentence[-1] in ".!?…"
        assert not re.search(r"[*#`_]|^\s*(\d+[.)]|[-•])\s", sentence), sentence


def test_english_story_is_clean_and_about_the_prompt():
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
    assert story.bible["written_by"] == "qwen2.5-coder-1.5b"
    assert story.title and story.bible["hero"] and story.bible["setting"]
    assert "fox" in story.bible["hero"].lower()


def test_russian_story_is_written_in_russian():
    story = compose_story("лиса находит потерянный фонарь", load_genre("fairy-tale"), "ru", 3, seed=0,
                          model="qwen2.5-coder-1.5b")
    assert_clean(story.sentences, 3)
    letters = [ch for ch in " ".join(story.sentences).lower() if ch.isalpha()]
    assert np.mean([("а" <= ch <= "я") or ch == "ё" for ch in letters]) > 0.9
    assert re.search(r"лис|фонар", " ".join(story.sentences).lower())
    assert story.bible["written_by"] == "qwen2.5-coder-1.5b"
    assert re.search("[а-яё]", story.title.lower()) and re.search("[а-яё]", story.bible["hero"].lower())
