"""The model registry and the artifact store, without Prefect flows."""

from __future__ import annotations

import threading
import time

import pytest

import model_registry
from model_registry.catalogue import CATALOGUE_FILE, Entry, ModelUnavailable, WeightFile, read_catalogue
from tasks.artifacts import ArtifactWriter, load_artifact


def test_catalogue_lists_every_stage_with_one_default():
    entries = read_catalogue(CATALOGUE_FILE)
    for stage in ("text", "tts", "music", "illustrate", "upscale", "embed", "asr"):
        assert sum(e.default for e in entries if e.stage == stage) == 1, stage
    assert all(e.license != "unknown" for e in entries)
    assert all(f.sha256 for e in entries for f in e.files)


def test_availability_explains_what_is_missing(home, tmp_path):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights")
    broken = Entry(stage="tts", name="broken", adapter="x:Y", packages=("no-such-package-xyz==1.0",),
                   apt=("no-such-tool-xyz",),
                   files=(WeightFile("a", "0" * 64, path=str(tmp_path / "missing.bin")),
                          WeightFile("b", "0" * 64, path=str(weights))))
    problems = " | ".join(broken.problems())
    assert "no-such-package-xyz" in problems and "no-such-tool-xyz" in problems
    assert "missing.bin is missing" in problems and "fails its sha256" in problems
    model_registry.register(broken)
    with pytest.raises(model_registry.ModelUnavailable, match="unavailable"):
        model_registry.get("tts", "broken")
    with pytest.raises(model_registry.ModelUnavailable, match="known:"):
        model_registry.get("tts", "no-such-voice")


def test_a_backend_loads_once_however_many_threads_ask(home):
    loads = []

    class Slow:
        def __init__(self, entry):
            time.sleep(0.2)
            loads.append(entry.name)

    model_registry.register(Entry(stage="music", name="slow", adapter=Slow))
    got = []
    threads = [threading.Thread(target=lambda: got.append(model_registry.get("music", "slow"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ["slow"] and len({id(g) for g in got}) == 1


def test_a_released_backend_loads_again_unless_held(home):
    """A story's writer is released once the story is written; a batch holds it across its stories."""
    loads = []

    class Model:
        def __init__(self, entry):
            loads.append(entry.name)

    model_registry.register(Entry(stage="text", name="counted", adapter=Model))
    first = model_registry.get("text", "counted")
    with model_registry.held("text", "counted"):
        assert not model_registry.release("text", "counted")
        assert model_registry.get("text", "counted") is first
    assert model_registry.release("text", "counted") and not model_registry.release("text", "counted")
    assert model_registry.get("text", "counted") is not first and loads == ["counted", "counted"]


def test_artifacts_are_published_atomically_and_verified(home):
    writer = ArtifactWriter("demo", "k1")
    writer.path("a.txt").write_text("hello")
    assert load_artifact("demo", "k1") is None  # nothing visible before commit
    artifact = writer.commit(size=5)
    assert load_artifact("demo", "k1") == artifact
    artifact.path("a.txt").write_text("HELLO")
    assert load_artifact("demo", "k1") is None  # damaged files are never returned
    again = ArtifactWriter("demo", "k1")
    again.path("a.txt").write_text("hello")
    assert again.commit(size=5) == artifact and load_artifact("demo", "k1") == artifact


def test_weights_from_the_hugging_face_cache(home, tmp_path, monkeypatch):
    """"hub:owner/repo/file" reads the hub cache (a user's earlier download); offline, a missing file is
    reported, never fetched, and availability checks never download."""
    import hashlib

    import huggingface_hub.constants

    cache = tmp_path / "hub"
    snapshot = cache / "models--someone--biggan" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text('{"z_dim": 128}')
    (cache / "models--someone--biggan" / "refs").mkdir()
    (cache / "models--someone--biggan" / "refs" / "main").write_text("abc123")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    digest = hashlib.sha256(b'{"z_dim": 128}').hexdigest()
    cached = Entry(stage="illustrate", name="hub-model", adapter="x:Y", source="hub",
                   files=(WeightFile("config.json", digest, "hub:someone/biggan/config.json"),))
    assert cached.problems() == []
    assert cached.file("config.json").read_text() == '{"z_dim": 128}'
    missing = Entry(stage="illustrate", name="hub-missing", adapter="x:Y", source="hub",
                    files=(WeightFile("model.bin", "", "hub:someone/biggan/model.bin"),))
    assert "HF_HUB_OFFLINE=1" in missing.problems()[0]
    with pytest.raises(ModelUnavailable, match="could not be fetched"):
        missing.file("model.bin")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert missing.problems() == []  # fetched on first use, not by an availability check
