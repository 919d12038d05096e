"""Run a story's tasks on a Dask cluster instead of this process's threads.

    from flows.scale_out import on_dask
    on_dask(story_flow, address="tcp://10.0.0.5:8786")(StoryRequest(prompt="a fox"))   # an existing cluster
    on_dask(story_flow, workers=2)(StoryRequest(prompt="a fox"))                       # a local one

Every Dask worker needs this repository installed (`pip install -e .`), the model packages, and the same
artifact store: a shared `DIGITELLER_HOME` (NFS, or object storage through Prefect `result_storage`).
On one 2-core machine threads are faster (each worker process loads its own models, ~15 s); Dask pays off
when stages spread over several machines.
"""

from __future__ import annotations

from prefect import Flow
from prefect_dask import DaskTaskRunner


def on_dask(flow: Flow, address: str | None = None, workers: int = 2) -> Flow:
    """`flow` with its tasks submitted to the Dask scheduler at `address`, or to a new local cluster."""
    if address:
        return flow.with_options(task_runner=DaskTaskRunner(address=address))
    return flow.with_options(task_runner=DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}))
