"""Cache keys follow the code: a stage's key holds the source of its module and of its backend's adapter,
with every project module they import, so an edit remakes exactly the artifacts that code makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import model_registry
from core import settings, source


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the project's packages to edit."""
    for package in source.PROJECT:
        shutil.copytree(settings.ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def code_of(stage: str, checkout: Path) -> tuple[str, str]:
    """(the stage module's code identity, its default backend's) in `checkout`."""
    adapter = model_registry.entry(stage).adapter.partition(":")[0]
    module = {"illustrate": "tasks.illustrate", "tts": "tasks.narrate", "upscale": "tasks.upscale"}[stage]
    return source.code_identity(module, checkout), source.code_identity(adapter, checkout)


def test_editing_the_painter_changes_illustrates_key_and_leaves_narrates(checkout):
    illustrate, narrate = code_of("illustrate", checkout), code_of("tts", checkout)
    scene = checkout / "model_registry" / "pictures" / "scene.py"
    scene.write_text(scene.read_text() + "\n# a brighter sky\n")
    source.code_identity.cache_clear()
    assert code_of("illustrate", checkout)[1] != illustrate[1]
    assert code_of("tts", checkout) == narrate


def test_a_module_the_stage_imports_is_part_of_its_identity(checkout):
    before = source.code_identity("tasks.narrate", checkout)
    assert "tasks.narration.spoken" in source.closure("tasks.narrate", checkout)
    speech_text = checkout / "tasks" / "narration" / "spoken.py"
    speech_text.write_text(speech_text.read_text() + "\n# numbers read differently\n")
    source.code_identity.cache_clear()
    assert source.code_identity("tasks.narrate", checkout) != before


def test_the_model_identity_names_its_adapters_source_and_data():
    identity = model_registry.identity("illustrate", "scene-painter")
    assert identity["code"] == source.code_identity("model_registry.pictures.scene")
    assert identity["data"] and all(len(digest) == 64 for digest in identity["data"].values())


def test_no_stage_carries_a_hand_kept_code_version():
    stages = (settings.ROOT / "tasks").glob("*.py")
    assert not [path.name for path in stages if "CODE_VERSION" in path.read_text()]
