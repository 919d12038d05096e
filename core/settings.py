"""Where DigiTeller keeps things, and the environment Prefect must see before it starts.

Everything generated (stories, the artifact cache, Prefect's persisted results) lives under one
home folder, `outputs/` in the repository by default or `$DIGITELLER_HOME`. Paths are read from the
environment at call time so that tests (and users) can point one process at another home.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
GENRES_DIR = DATA_DIR / "genres"
PROMPTS_DIR = DATA_DIR / "prompts"


def home() -> Path:
    return Path(os.environ.get("DIGITELLER_HOME") or ROOT / "outputs").expanduser().resolve()


def artifacts_dir() -> Path:
    """The content-addressed artifact store: `<stage>/<cache key>/` with a manifest each."""
    return home() / "cache" / "artifacts"


def results_dir() -> Path:
    """Prefect's persisted task results (the cache records that point into the artifact store)."""
    return home() / "cache" / "results"


def models_dir() -> Path:
    """Weights DigiTeller derives once from shipped ones (joined GGUF parts, converted checkpoints).

    `$DIGITELLER_MODELS` moves it out of the home folder, so several homes (tests, batches) share one
    copy of a 3 GB converted model.
    """
    override = os.environ.get("DIGITELLER_MODELS")
    return Path(override).expanduser().resolve() if override else home() / "cache" / "models"


def stories_dir() -> Path:
    return home() / "stories"


def workers() -> int:
    """Threads for a story's tasks: one per core (torch and onnxruntime release the GIL)."""
    return max(1, int(os.environ.get("DIGITELLER_WORKERS") or os.cpu_count() or 1))


def retry_delays() -> list[float]:
    """Back-off between a model task's attempts; `DIGITELLER_RETRY_DELAY` scales it (tests use 0)."""
    base = float(os.environ.get("DIGITELLER_RETRY_DELAY", "2"))
    return [base, base * 4]


# Set only where the user has not: nothing phones home, a loaded 2-core machine still starts the
# ephemeral server, and Prefect persists results under our home folder. prefect.yaml gives deployment
# runs the same values. OpenMP keeps its own wait policy (spin a few ms, then sleep; barely spin where
# its threads outnumber the cores): OMP_WAIT_POLICY=PASSIVE, set here until 2026-12-03, made llama.cpp,
# whose threads meet at every layer, a third slower (13 tok/s, not 20) and a cold story 95 s, not 78.
ENVIRONMENT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def configure_environment() -> None:
    """Entry points call this before `prefect` (or torch) is imported: Prefect reads its settings once,
    at import, and OpenMP its wait policy when it loads."""
    for name, value in ENVIRONMENT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOCAL_STORAGE_PATH", str(results_dir()))
