"""Running DigiTeller as a service: a local Prefect server with its UI, a worker, the deployments, and an
automation that tells someone when a night failed.

The server binds to 127.0.0.1 only, with telemetry off; everything is started with argument lists
(no shell), each in a process group of its own so that stopping it also stops what it started (the
worker's flow runs). `digiteller server` and `digiteller deploy` are thin wrappers over these functions.
Prefect keeps its database in `$PREFECT_HOME` (`~/.prefect/prefect.db` unless moved).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from core import settings

WORK_POOL = "digiteller"
DEFAULT_PORT = 4200
NIGHTLY = "nightly/nightly"  # flow/deployment
FAILED_NIGHT = "digiteller: a night with a failed story"
WEBHOOK_BLOCK = "digiteller-nightly"


def prefect(*args: str) -> list[str]:
    """The Prefect CLI of this interpreter, as an argument list."""
    return [sys.executable, "-m", "prefect", *args]


def api_url(port: int = DEFAULT_PORT) -> str:
    return os.environ.get("PREFECT_API_URL") or f"http://127.0.0.1:{port}/api"


def service_environment(url: str) -> dict[str, str]:
    """The environment of the server, worker and CLI calls: ours, minus the CLI's quiet console (the
    services' warnings and errors belong in their log files)."""
    settings.configure_environment()
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_LOGGING_HANDLERS_CONSOLE")}
    env |= {"PREFECT_API_URL": url, "PREFECT_SERVER_API_HOST": "127.0.0.1", "DIGITELLER_ROOT": str(settings.ROOT)}
    env.setdefault("DIGITELLER_TIMEZONE", "UTC")
    return env


class TemporaryServer:
    """Prefect's temporary local server for one CLI run: the process a first flow run would start (the
    same uvicorn command, settings and ephemeral flags as Prefect's SubprocessASGIServer), started here
    without importing Prefect's server into this process. That import alone is 4 s of one core, and it
    came before the story model could begin to load; now the server boots in its own process while the
    model loads in this one. The flow finds it through PREFECT_API_URL (`serving`); `stop` drains
    Prefect's log and event workers into it first, so no record of the run is lost."""

    def __init__(self):
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, get_current_settings

        self.timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        self.environment = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                            "PREFECT__SERVER_FINAL": "1",
                            **get_current_settings().to_environment_variables(exclude_unset=True)}
        self.errors = tempfile.TemporaryFile()
        self._launch()

    @classmethod
    def wanted(cls) -> TemporaryServer | None:
        """A started server, unless the settings name one to use (or turn the temporary one off)."""
        from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

        if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
            return None
        return cls()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _launch(self) -> None:
        with socket.socket() as probe:  # a free port now; taken meanwhile, uvicorn exits 3 and we try again
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        import prefect

        app_dir = str(Path(prefect.__file__).parent.parent)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=self.environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.errors,
            start_new_session=True)  # a group of its own, as the services' processes, for `stop`

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == 3:  # the port was taken after all
                self._launch()
            elif code is not None:
                self.errors.seek(0)
                why = self.errors.read().decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {code}"]
                raise RuntimeError(f"Prefect's temporary server did not start: {why[0]}")
            if answers(self.api_url, timeout=2):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Prefect's temporary server did not answer in {self.timeout:.0f} s")

    def serving(self):
        """A context in which this process's flows run against this server."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        return temporary_settings(updates={PREFECT_API_URL: self.api_url})

    def stop(self) -> None:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        if self.process.poll() is None:
            APILogWorker.drain_all()
            EventsWorker.drain_all()
        stop(self.process)
        self.errors.close()


def answers(url: str, timeout: float) -> bool:
    """Whether the Prefect API at `url` answers its health check now."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_healthy(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url, timeout=5):
            return
        time.sleep(1)
    raise RuntimeError(f"the Prefect server at {url} did not become healthy in {timeout:.0f} s")


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = service_environment(f"http://127.0.0.1:{port}/api")
    with open(log, "ab") as handle:
        return subprocess.Popen(prefect("server", "start", "--host", "127.0.0.1", "--port", str(port)),
                                env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def start_gallery(port: int, url: str, log: Path) -> subprocess.Popen:
    """`digiteller gallery` beside the server; its pages link each story to its run in the server's UI."""
    with open(log, "ab") as handle:
        return subprocess.Popen([sys.executable, "-m", "digiteller.cli", "gallery", "--port", str(port)],
                                env=service_environment(url), stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def ensure_work_pool(url: str) -> None:
    env = service_environment(url)
    found = subprocess.run(prefect("work-pool", "inspect", WORK_POOL), env=env, capture_output=True)
    if found.returncode:
        subprocess.run(prefect("work-pool", "create", WORK_POOL, "--type", "process"), env=env, check=True,
                       capture_output=True)


def start_worker(url: str, log: Path, run_once: bool = False, gallery: str | None = None) -> subprocess.Popen:
    """A worker for the work pool; its flow runs link their artifacts to `gallery` when one is given."""
    env = service_environment(url) | ({"DIGITELLER_GALLERY_URL": gallery} if gallery else {})
    args = prefect("worker", "start", "--pool", WORK_POOL, "--type", "process")
    with open(log, "ab") as handle:
        return subprocess.Popen(args + (["--run-once"] if run_once else []), env=env, cwd=settings.ROOT,
                                stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen | None, grace: float = 5) -> None:
    """TERM to the process and everything in its group, then KILL to what is left after `grace` seconds
    (a busy worker can take longer to wind down than anyone should wait)."""
    if process is None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(process, signal.SIGKILL)  # whatever of the group outlived the grace period
    process.wait()


def _signal_group(process: subprocess.Popen, number: int) -> None:
    try:
        os.killpg(process.pid, number)  # started with start_new_session: its pid is its group's id
    except (ProcessLookupError, PermissionError):
        if process.poll() is None:
            process.send_signal(number)


def deploy(url: str, timezone: str = "UTC") -> str:
    """Register every deployment in prefect.yaml (replacing earlier versions); returns Prefect's output."""
    ensure_work_pool(url)
    env = service_environment(url) | {"DIGITELLER_TIMEZONE": timezone}
    result = subprocess.run(prefect("--no-prompt", "deploy", "--all"), env=env, cwd=settings.ROOT,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"prefect deploy failed: {(result.stderr or result.stdout).strip()[-400:]}")
    return result.stdout


def notify_on_failed_nights(url: str, webhook: str | None = None, block: str | None = None) -> str:
    """An automation on the server: when a run of the nightly deployment fails, send a notification
    through a notification block, the one named `block` ("slack-webhook/team-alerts") or one posting to
    `webhook` (created as custom-webhook/digiteller-nightly). Replaces an earlier one; returns the block."""
    from prefect.automations import Automation, EventTrigger, Posture, SendNotification
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        if webhook:
            CustomWebhookNotificationBlock(
                name=WEBHOOK_BLOCK, url=webhook, allow_private_urls=True,  # a receiver on this network is fine
                json_data={"subject": "{{subject}}", "body": "{{body}}"},
            ).save(WEBHOOK_BLOCK, overwrite=True)
            block = f"{CustomWebhookNotificationBlock.get_block_type_slug()}/{WEBHOOK_BLOCK}"
        block_type, _, name = (block or "").partition("/")
        document = client.read_block_document_by_name(name, block_type)
        nightly = client.read_deployment_by_name(NIGHTLY)
        for old in client.read_automations_by_name(FAILED_NIGHT):
            client.delete_automation(old.id)
        Automation(
            name=FAILED_NIGHT,
            description="Tells someone when a nightly batch ends Failed (any of its stories failed).",
            trigger=EventTrigger(expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                                 match={"prefect.resource.id": "prefect.flow-run.*"},
                                 match_related={"prefect.resource.id": f"prefect.deployment.{nightly.id}"},
                                 posture=Posture.Reactive, threshold=1),
            actions=[SendNotification(
                block_document_id=document.id,
                subject="DigiTeller: the night {{ flow_run.name }} failed",
                body="{{ flow_run.state.message }}\nSee {{ flow_run|ui_url }}")],
        ).create()
    return block
