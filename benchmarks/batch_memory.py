"""Peak memory of one story vs a batch of ten in one process (models are loaded once and shared).

    python -m benchmarks.batch_memory     # writes benchmarks/batch-memory.json (~6 minutes)

The story writer is SmolLM2 here so the run is short; the other stages use their defaults.
"""

from __future__ import annotations

import json
import os
import resource
import tempfile
import time
from pathlib import Path

from core import settings

MODELS = {"text": "smollm2-135m"}


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="digiteller-batch-memory-"))
    os.environ["DIGITELLER_HOME"] = str(home)
    os.environ["DIGITELLER_CATALOGUES"] = str(settings.ROOT / "tests" / "data" / "models.toml")  # SmolLM2
    settings.configure_environment()
    from flows.batch import batch_flow
    from flows.story import story_flow
    from tasks.request import BatchRequest, StoryRequest

    started = time.perf_counter()
    story_flow(StoryRequest(prompt="a fox who finds a lost lantern", sentences=2, models=MODELS,
                            out=str(home / "single")))
    single = {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "seconds": round(time.perf_counter() - started)}
    started = time.perf_counter()
    summary = batch_flow(BatchRequest.read(count=10, concurrency=2, out=str(home / "batch"), genre="fairy-tale",
                                           sentences=2, models=MODELS))
    batch = {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
             "seconds": round(time.perf_counter() - started), "completed": summary["completed"],
             "failed": summary["failed"], "concurrency": 2, "stories": 10}
    result = {"single_story": single, "batch_of_10": batch,
              "note": "10 stories from the genre's sample prompts, cycling; models loaded once per process"}
    target = Path(__file__).with_name("batch-memory.json")
    target.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
