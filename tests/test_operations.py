"""Operations against a real Prefect server: deployments from prefect.yaml, a worker running a
deployment, and a failed run retried the way the UI's Retry button does it, resuming from cache."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from digiteller import operations
from fakes import CHEAP_MODELS

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(url: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}{path}", data=data, headers={"content-type": "application/json"},
                                     method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def wait_for(url: str, run_id: str, states: set[str], timeout: float = 400) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = api(url, f"/flow_runs/{run_id}")
        if run["state"]["type"] in states:
            return run
        time.sleep(2)
    raise AssertionError(f"flow run still {run['state']['type']} after {timeout} s")


def scheduled_runs(url: str, deployment_id: str, wait: float) -> list[dict]:
    """The deployment's SCHEDULED runs, soonest first, waiting up to `wait` seconds for the first."""
    deadline = time.monotonic() + wait
    while True:
        runs = api(url, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment_id]}},
                                               "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                                               "sort": "EXPECTED_START_TIME_ASC", "limit": 10, "offset": 0})
        if runs or time.monotonic() > deadline:
            return runs
        time.sleep(2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("ops")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PREFECT_HOME", str(root / "prefect"))
        env.setenv("DIGITELLER_HOME", str(root / "home"))
        env.delenv("PREFECT_API_URL", raising=False)
        port = free_port()
        url = f"http://127.0.0.1:{port}/api"
        process = operations.start_server(port, root / "server.log")
        try:
            operations.wait_until_healthy(url)
            yield url, root, lambda: operations.start_worker(url, root / "worker.log")
        finally:
            operations.stop(process)


def test_deployments_register_and_a_failed_run_retried_from_the_ui_resumes_from_cache(server):
    url, root, start_worker = server
    operations.deploy(url, timezone="Europe/Berlin")
    deployments = {f"{d['name']}": d for d in api(url, "/deployments/filter", {"limit": 50, "offset": 0})}
    assert {"adventure", "bedtime", "fairy-tale", "mystery", "sci-fi", "nightly"} <= set(deployments)
    nightly = deployments["nightly"]["schedules"][0]["schedule"]
    assert (nightly["cron"], nightly["timezone"]) == ("0 2 * * *", "Europe/Berlin")

    blocked = root / "story-out"
    (blocked / "story.mp4").mkdir(parents=True)  # a folder where the video goes: publishing fails until it is gone
    run = api(url, f"/deployments/{deployments['fairy-tale']['id']}/create_flow_run", {"parameters": {
        "prompt": "a hero under the moon", "sentences": 2, "voice": "espeak-en", "models": CHEAP_MODELS,
        "out": str(blocked)}})
    worker = start_worker()
    try:
        failed = wait_for(url, run["id"], {"FAILED", "CRASHED", "COMPLETED"})
        assert failed["state"]["type"] == "FAILED" and "IsADirectoryError" in failed["state"]["message"]
        (blocked / "story.mp4").rmdir()
        api(url, f"/flow_runs/{run['id']}/set_state",  # what the UI's Retry button sends
            {"state": {"type": "SCHEDULED", "name": "AwaitingRetry"}, "force": True})
        done = wait_for(url, run["id"], {"FAILED", "CRASHED", "COMPLETED"})
    finally:
        operations.stop(worker)
    assert done["state"]["type"] == "COMPLETED" and done["run_count"] == 2
    assert (blocked / "story.mp4").is_file()
    task_runs = api(url, "/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}, "limit": 100, "offset": 0})
    retried = [t for t in task_runs if t["flow_run_run_count"] == 2]
    assert len(retried) == 9 and all(t["state"]["name"] == "Cached" for t in retried)  # no model ran again

def test_the_servers_scheduler_creates_runs_and_a_worker_completes_one(server):
    """The nightly fires: the server's own scheduler fills in upcoming runs (no client creates them), and a
    worker picks the due one up and completes it."""
    url, root, start_worker = server
    operations.deploy(url, timezone="UTC")
    deployments = {d["name"]: d for d in api(url, "/deployments/filter", {"limit": 50, "offset": 0})}
    due = (datetime.now(UTC) + timedelta(seconds=20)).isoformat()
    out = root / "scheduled-story"
    api(url, f"/deployments/{deployments['bedtime']['id']}/schedules", [{
        "schedule": {"interval": 3600, "anchor_date": due}, "active": True,
        "parameters": {"prompt": "a hero under the moon", "sentences": 1, "voice": "espeak-en",
                       "models": CHEAP_MODELS, "out": str(out)}}])
    nightly = scheduled_runs(url, deployments["nightly"]["id"], wait=60)
    assert nightly and all(run["auto_scheduled"] for run in nightly)
    assert {run["expected_start_time"][11:16] for run in nightly} == {"02:00"}
    upcoming = scheduled_runs(url, deployments["bedtime"]["id"], wait=60)
    assert upcoming and upcoming[0]["auto_scheduled"]
    worker = start_worker()
    try:
        done = wait_for(url, upcoming[0]["id"], {"FAILED", "CRASHED", "COMPLETED"})
    finally:
        operations.stop(worker)
    assert done["state"]["type"] == "COMPLETED", done["state"]["message"]
    assert (out / "story.mp4").is_file()


def test_a_process_that_ignores_term_is_killed_after_the_grace_period():
    import subprocess
    import sys

    ignores_term = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); "
                    "time.sleep(60)")
    stubborn = subprocess.Popen([sys.executable, "-c", ignores_term], stdout=subprocess.PIPE)
    stubborn.stdout.readline()  # its TERM handler is in place
    operations.stop(stubborn, grace=0.5)
    assert stubborn.returncode == -9
