"""Every real backend, run for real on small input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import model_registry
from tasks.narrate import speak
from tasks.request import load_genre
from tasks.story import compose_story


def test_piper_speech_is_non_silent_and_scales_with_text(home):
    short, rate = speak("The fox smiled.", "joe")
    long, _ = speak("The fox smiled, picked up the lantern and carried it all the way home through the woods.", "joe")
    assert rate == 22050
    assert np.sqrt(np.mean(short**2)) > 0.02
    assert 2.0 < len(long) / len(short) < 8.0


def test_piper_is_deterministic(home):
    first, _ = speak("Same words, same sound.", "joe")
    second, _ = speak("Same words, same sound.", "joe")
    assert np.array_equal(first, second)


def test_espeak_speaks_russian(home):
    samples, rate = speak("Лиса нашла старый фонарь в лесу.", "espeak-ru")
    seconds = len(samples) / rate
    assert 1.0 < seconds < 6.0
    assert np.sqrt(np.mean(samples**2)) > 0.02


def test_mood_chords_has_the_requested_length_and_is_stereo(home):
    composer = model_registry.get("music", "mood-chords")
    music = composer.compose(seconds=7.5, tempo=100, mode="minor", key="A", seed=3)
    assert music.shape == (int(7.5 * composer.sample_rate), 2)
    assert np.abs(music).max() <= 1.0 and np.sqrt(np.mean(music**2)) > 0.01


def test_palette_painter_is_deterministic_and_follows_the_text(home):
    painter = model_registry.get("illustrate", "palette-painter")
    palette = load_genre("fairy-tale").visual["palette"]
    night = painter.paint(text="The moon rose over the sleeping village.", palette=palette, width=160, height=90, seed=1)
    again = painter.paint(text="The moon rose over the sleeping village.", palette=palette, width=160, height=90, seed=1)
    day = painter.paint(text="The sun shone on the green fields.", palette=palette, width=160, height=90, seed=1)
    assert night.size == (160, 90)
    assert night.tobytes() == again.tobytes()
    sky = lambda image: np.asarray(image)[:20].mean()  # noqa: E731
    assert sky(night) < sky(day)


def test_lanczos_upscales_4x(home):
    image = Image.new("RGB", (32, 18), (200, 100, 50))
    assert model_registry.get("upscale", "lanczos-x4").upscale(image).size == (128, 72)


@pytest.mark.slow
def test_smollm2_writes_the_requested_number_of_clean_sentences(home):
    story = compose_story("a fox who finds a lost lantern", load_genre("fairy-tale"), "en", 3, seed=0,
                          model="smollm2-135m")
    assert len(story.sentences) == 3
    assert all(s and s[-1] in ".!?…" and "*" not in s and "#" not in s for s in story.sentences)
    again = compose_story("a fox who finds a lost lantern", load_genre("fairy-tale"), "en", 3, seed=0,
                          model="smollm2-135m")
    assert again.sentences == story.sentences
