"""The command line: clear one-line errors and exit codes, listings, voice preview."""

from __future__ import annotations

import os
import subprocess
import sys
import wave

import pytest


def digiteller(*args: str, home) -> subprocess.CompletedProcess:
    env = {**os.environ, "DIGITELLER_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "digiteller.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.mark.parametrize("args, message", [
    (["story", ""], "the prompt is empty"),
    (["story", "   \t "], "the prompt is empty"),
    (["story", "a fox", "--genre", "western"], "unknown genre 'western'"),
    (["story", "a fox", "--lang", "fr"], "unknown language 'fr'"),
    (["story", "a fox", "--aspect", "4:3"], "unknown aspect '4:3'"),
    (["story", "a fox", "--sentences", "0"], "sentences must be between 1 and 40"),
    (["story", "a fox", "--sentences", "many"], "invalid int value"),
    (["story", "x" * 100_000], "keep it under 500"),
    (["story", "a fox", "--voice", "nobody"], "unknown tts model 'nobody'"),
    (["story", "a fox", "--lang", "ru", "--voice", "joe"], "voice 'joe' does not speak Russian"),
    (["story", "a fox", "--model", "text=gpt-9"], "unknown text model 'gpt-9'"),
    (["story", "a fox", "--model", "text"], "expected STAGE=NAME"),
    (["prepare", "--model", "gpt-9"], "unknown text model 'gpt-9'"),
    (["say", "hello", "--voice", "nobody", "--out", "x.wav"], "unknown tts model 'nobody'"),
    (["say", "привет", "--lang", "ru", "--voice", "joe", "--out", "x.wav"], "does not speak Russian"),
    (["say", "[music] ***", "--out", "x.wav"], "nothing to say"),
    (["batch", "missing-prompts.txt"], "does not exist"),
    (["batch", "--genre", "mystery", "--count", "0"], "count must be between 1 and 1000"),
])
def test_bad_input_gets_one_clear_line_and_exit_code(args, message, home):
    result = digiteller(*args, home=home)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_every_command_has_help(home):
    for command in ("story", "batch", "say", "server", "gallery", "clean", "deploy", "models", "genres", "voices"):
        result = digiteller(command, "--help", home=home)
        assert result.returncode == 0 and "usage: digiteller" in result.stdout


def test_listings(home):
    genres = digiteller("genres", home=home).stdout
    assert all(name in genres for name in ("fairy-tale", "sci-fi", "mystery", "adventure", "bedtime"))
    models = digiteller("models", home=home).stdout
    assert "qwen2.5-coder-1.5b" in models and "joe" in models and "available" in models
    assert "espeak-ru" in digiteller("voices", home=home).stdout


@pytest.mark.slow
def test_say_writes_a_wav(home):
    target = home / "hello.wav"
    result = digiteller("say", "Hello from DigiTeller.", "--out", str(target), home=home)
    assert result.returncode == 0, result.stderr
    with wave.open(str(target)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.8
