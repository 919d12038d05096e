"""Operations against a real Prefect server: deployments from prefect.yaml, the server's scheduler
creating runs, a worker running them, a failed run retried the way the UI's Retry button does it
(resuming from cache), a failed night that is red, tells a webhook and retries story by story, and
`digiteller server` stopping everything it started."""

from __future__ import annotations

import http.server
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core import settings
from digiteller import operations
from fakes import CHEAP_MODELS

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(url: str, path: str, body: dict | None = None, attempts: int = 6):
    """One call to the server's REST API, retried the way Prefect's own client retries: a busy SQLite
    database answers 503 (and a flooded server 429) until the write that holds the lock commits."""
    data = json.dumps(body).encode() if body is not None else None
    for attempt in range(attempts):
        request = urllib.request.Request(f"{url}{path}", data=data, headers={"content-type": "application/json"},
                                         method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code not in (429, 502, 503) or attempt == attempts - 1:
                raise
            time.sleep(2 ** attempt)


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
    run = api(url, f"/deployments/{deployments['fairy-tale']['id']}/create_flow_run", {"parameters": {"request": {
        "prompt": "a hero under the moon", "genre": "fairy-tale", "sentences": 2, "voice": "espeak-en",
        "models": CHEAP_MODELS, "out": str(blocked)}}})
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
    assert len(retried) == 11 and all(t["state"]["name"] == "Cached" for t in retried  # no model ran again
                                      if t["name"] != "publish")

def test_the_servers_scheduler_creates_runs_and_a_worker_completes_one(server):
    """The nightly fires: the server's own scheduler fills in upcoming runs (no client creates them), and a
    worker picks the due one up and completes it."""
    url, root, start_worker = server
    operations.deploy(url, timezone="UTC")
    deployments = {d["name"]: d for d in api(url, "/deployments/filter", {"limit": 50, "offset": 0})}
    # Every minute from now: whenever the scheduler's pass comes (seconds later on a quiet machine, much
    # later on a loaded one), the soonest run it creates is due within a minute. A one-off run due in 20 s
    # was created an hour late whenever the pass came after it was due.
    anchor = datetime.now(UTC).isoformat()
    out = root / "scheduled-story"
    api(url, f"/deployments/{deployments['bedtime']['id']}/schedules", [{
        "schedule": {"interval": 60, "anchor_date": anchor}, "active": True,
        "parameters": {"request": {"prompt": "a hero under the moon", "genre": "bedtime", "sentences": 1,
                                   "voice": "espeak-en", "models": CHEAP_MODELS, "out": str(out)}}}])
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
    ignores_term = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); "
                    "time.sleep(60)")
    stubborn = subprocess.Popen([sys.executable, "-c", ignores_term], stdout=subprocess.PIPE, start_new_session=True)
    stubborn.stdout.readline()  # its TERM handler is in place
    operations.stop(stubborn, grace=0.5)
    assert stubborn.returncode == -9


FINISHED = {"FAILED", "CRASHED", "COMPLETED"}
RETRY = {"state": {"type": "SCHEDULED", "name": "AwaitingRetry"}, "force": True}  # what the UI's Retry button sends


def receiver() -> tuple[http.server.ThreadingHTTPServer, queue.Queue]:
    """A local HTTP server that keeps the JSON bodies POSTed to it."""
    received: queue.Queue = queue.Queue()

    class Keep(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.put(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Keep)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, received


def test_a_failed_night_is_red_tells_a_webhook_and_retries_story_by_story(server):
    url, root, start_worker = server
    httpd, received = receiver()
    operations.deploy(url)
    operations.notify_on_failed_nights(url, webhook=f"http://127.0.0.1:{httpd.server_address[1]}/night")
    night, prompts = root / "night", root / "tonight.txt"
    prompts.write_text("a hero under the moon\na hero at sea\n", "utf-8")
    (night / "002" / "story.mp4").mkdir(parents=True)  # story 2 cannot be published until this folder is gone
    deployments = {d["name"]: d for d in api(url, "/deployments/filter", {"limit": 50, "offset": 0})}
    run = api(url, f"/deployments/{deployments['nightly']['id']}/create_flow_run", {"parameters": {
        "prompts_file": str(prompts), "count": 2, "sentences": 1, "out": str(night), "models": CHEAP_MODELS}})
    worker = start_worker()
    try:
        ended = wait_for(url, run["id"], FINISHED, timeout=600)
        summary = json.loads((night / "summary.json").read_text("utf-8"))
        notification = received.get(timeout=120)
        failed = next(row for row in summary["results"] if row["status"] == "failed")
        (night / "002" / "story.mp4").rmdir()
        api(url, f"/flow_runs/{failed['flow_run_id']}/set_state", RETRY)  # only that story, from the UI
        retried = wait_for(url, failed["flow_run_id"], FINISHED)
    finally:
        operations.stop(worker)
        httpd.shutdown()
    assert ended["state"]["type"] == "FAILED" and ended["state"]["message"] == "1 of 2 stories failed"
    assert (summary["completed"], summary["failed"]) == (1, 1) and (night / "001" / "story.mp4").is_file()
    assert failed["number"] == 2 and failed["failed_stage"] == "publish" and "IsADirectoryError" in failed["error"]
    assert "failed" in notification["subject"] and "1 of 2 stories failed" in notification["body"]
    story = api(url, f"/flow_runs/{failed['flow_run_id']}")
    assert story["deployment_id"] == deployments["fairy-tale"]["id"]  # a run of its own deployment: it has Retry
    assert story["parent_task_run_id"]  # and a child of the night in the UI
    assert retried["state"]["type"] == "COMPLETED" and (night / "002" / "story.mp4").is_file()
    task_runs = api(url, "/task_runs/filter", {"flow_runs": {"id": {"any_": [failed["flow_run_id"]]}},
                                              "limit": 100, "offset": 0})
    again = [t for t in task_runs if t["flow_run_run_count"] == 2]
    assert len(again) == 8 and all(t["state"]["name"] == "Cached" for t in again  # no model ran again
                                   if t["name"] != "publish")


def test_digiteller_server_stops_its_server_and_worker_on_term(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "DIGITELLER_HOME": str(tmp_path / "home")}
    cli = subprocess.Popen([sys.executable, "-m", "digiteller.cli", "server", "--port", str(port)], env=env,
                           cwd=settings.ROOT, stderr=subprocess.PIPE, text=True)
    try:
        while "Prefect UI" not in (line := cli.stderr.readline()):  # once the server is healthy, the worker started
            assert line, "digiteller server exited"
        worker_log = tmp_path / "home" / "logs" / "worker.log"
        deadline = time.monotonic() + 120
        while "started" not in worker_log.read_text() and time.monotonic() < deadline:
            time.sleep(1)
        children = [int(pid) for pid in Path(f"/proc/{cli.pid}/task/{cli.pid}/children").read_text().split()]
        started = time.monotonic()
        cli.send_signal(signal.SIGTERM)
        assert cli.wait(timeout=30) == 0
        stopped_in = time.monotonic() - started
    finally:
        if cli.poll() is None:
            cli.kill()
    assert len(children) == 3 and stopped_in < 15  # the Prefect server, the worker and the gallery
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    with pytest.raises(ConnectionRefusedError):  # nothing listens on the server's port any more
        socket.create_connection(("127.0.0.1", port), timeout=5)
    assert "Worker" in worker_log.read_text()  # the worker's own log lines reach its log file


def test_the_gallery_plays_stories_in_a_real_browser_and_the_prefect_ui_shows_their_pictures(server):
    """Two stories made by the worker while a gallery runs: the gallery lists them, the video plays with its
    subtitle cues, and the contact sheet in the flow run's artifacts loads inside the Prefect UI's page."""
    from playwright.sync_api import sync_playwright

    url, root, start_worker = server
    home = root / "home"  # the worker's home, where the gallery looks
    port = free_port()
    gallery = subprocess.Popen([sys.executable, "-m", "digiteller.cli", "gallery", "--port", str(port)],
                               env=os.environ | {"DIGITELLER_HOME": str(home)}, cwd=settings.ROOT,
                               start_new_session=True)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not (home / "gallery.url").exists():  # the gallery publishes its address once it serves
            assert time.monotonic() < deadline and gallery.poll() is None, "the gallery did not start"
            time.sleep(0.5)
        operations.deploy(url)
        deployment = next(d for d in api(url, "/deployments/filter", {"limit": 50, "offset": 0})
                          if d["name"] == "fairy-tale")
        runs = [api(url, f"/deployments/{deployment['id']}/create_flow_run", {"parameters": {"request": {
                    "prompt": prompt, "genre": "fairy-tale", "sentences": 2, "voice": "espeak-en",
                    "models": CHEAP_MODELS, "out": str(home / "stories" / name)}}})
                for name, prompt in (("moon", "a hero under the moon"), ("sea", "a hero at sea"))]
        worker = start_worker()
        assert all(wait_for(url, run["id"], FINISHED)["state"]["type"] == "COMPLETED" for run in runs)
        image = api(url, "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [runs[0]["id"]]},
                                                             "type": {"any_": ["image"]}}, "limit": 5, "offset": 0})
        assert image and image[0]["data"].startswith(f"http://127.0.0.1:{port}/files/stories/moon/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/")
            assert page.locator("article").count() == 2
            video = page.locator("article[id='stories/moon'] video").element_handle()
            page.evaluate("v => { v.muted = true; return v.play(); }", video)
            page.wait_for_function("v => v.readyState >= 2 && v.currentTime > 0.5", arg=video, timeout=60_000)
            page.wait_for_function("v => v.textTracks[0].cues && v.textTracks[0].cues.length === 2", arg=video,
                                   timeout=30_000)
            shots = os.environ.get("DIGITELLER_SCREENSHOTS")
            if shots:
                page.screenshot(path=f"{shots}/gallery.png")
            page.goto(f"{url.removesuffix('/api')}/artifacts/artifact/{image[0]['id']}")
            picture = page.wait_for_selector("img[src*='contact_sheet.png']", timeout=60_000)
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture, timeout=30_000)
            if shots:
                page.screenshot(path=f"{shots}/prefect-contact-sheet-artifact.png")
            browser.close()
    finally:
        operations.stop(worker)
        operations.stop(gallery)
    assert not (home / "gallery.url").exists()  # a stopped gallery takes its address back
