"""What the narrator is given to read: normalised text, and the audio helpers around it."""

from __future__ import annotations

import numpy as np
import pytest

from core.audio import read_wav, write_wav
from tasks.narration.judge import word_error_rate
from tasks.narration.spoken import for_speech


@pytest.mark.parametrize("text, language, spoken", [
    ("Dr. Lee paid $5 at 10:30 in 1999.", "en", "Doctor Lee paid five dollars at ten thirty in nineteen ninety-nine."),
    ("**The 3rd door** (the red one) had 42 locks & 7.5% rust.", "en",
     "The third door, the red one, had forty-two locks and seven point five percent rust."),
    ("She laughed [softly] at 7:05.", "en", "She laughed at seven oh five."),
    ("# Chapter one", "en", "Chapter one"),
    ("Сыщик, т.е. проф. Иванов, нашёл 25 улик (и т.д.).", "ru",
     "Сыщик, то есть профессор Иванов, нашёл двадцать пять улик, и так далее."),
    ("Было 3 часа и 15% надежды.", "ru", "Было три часа и пятнадцать процентов надежды."),
])
def test_text_is_rewritten_for_the_voice(text, language, spoken):
    assert for_speech(text, language) == spoken


def test_nothing_speakable_gives_empty_text():
    assert for_speech("[music] *** {stage}", "en") == ""


def test_word_error_rate():
    assert word_error_rate("the fox ran home", "The fox ran home.") == 0
    assert word_error_rate("the fox ran home", "the fox home") == 0.25
    assert word_error_rate("a b", "c d e") == 1.5


@pytest.mark.parametrize("bits", [16, 24])
def test_wav_round_trip(tmp_path, bits):
    samples = (0.5 * np.sin(np.arange(4000) / 7)).astype(np.float32)
    for data in (samples, np.stack([samples, -samples], axis=1)):
        write_wav(tmp_path / "x.wav", data, 22050, bits=bits)
        back, rate = read_wav(tmp_path / "x.wav")
        assert rate == 22050 and back.shape == data.shape
        assert np.abs(back - data).max() < 2 ** -(bits - 2)
