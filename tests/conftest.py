"""Test setup: an isolated home per test, and one Prefect test server per session for the tests that run
flows (they are `slow`; the quick loop `pytest -m "not slow"` starts no server). Fakes are in fakes.py.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import model_registry
from core import settings
from fakes import CALLS, FAIL, FAKES

os.environ["DIGITELLER_HOME"] = tempfile.mkdtemp(prefix="digiteller-test-")
# Converted model weights are shared with the user's runs (outputs/cache/models): converting the story
# writer's GGUF takes a minute, once, not once per test.
os.environ.setdefault("DIGITELLER_MODELS", str(settings.ROOT / "outputs" / "cache" / "models"))
os.environ["DIGITELLER_RETRY_DELAY"] = "0"
# The small models the tests use (SmolLM2), kept out of the user's catalogue; processes the tests start
# inherit this too.
os.environ["DIGITELLER_CATALOGUES"] = str(Path(__file__).with_name("data") / "models.toml")
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
settings.configure_environment()  # before any test module imports prefect


SLOW_FIXTURES = {"prefect_api", "composer"}  # a Prefect server; the real Music Transformer


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the Prefect server or loads a real model through a fixture is slow: it stays out
    of the quick loop."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def prefect_api():
    """A Prefect server for this session (~20 s to start), for tests that run flows and tasks."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh DigiTeller home (artifact store + Prefect results) for one test."""
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings

    monkeypatch.setenv("DIGITELLER_HOME", str(tmp_path))
    with temporary_settings({PREFECT_LOCAL_STORAGE_PATH: tmp_path / "cache" / "results"}):
        yield tmp_path


@pytest.fixture(autouse=True)
def catalogue():
    """Whatever a test registers (fakes, scripted writers, broken entries) is gone after it."""
    with model_registry.restored():
        yield


@pytest.fixture
def fakes(home):
    for fake in FAKES:
        model_registry.register(fake)
    CALLS.clear()
    FAIL.clear()
    yield CALLS
