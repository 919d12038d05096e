"""Running DigiTeller as a service: a local Prefect server with its UI, a worker, and the deployments.

The server binds to 127.0.0.1 only, with telemetry off; everything is started with argument lists
(no shell). `digiteller server` and `digiteller deploy` are thin wrappers over these functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core import settings

WORK_POOL = "digiteller"
DEFAULT_PORT = 4200


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


def wait_until_healthy(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the Prefect server at {url} did not become healthy in {timeout:.0f} s")


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = service_environment(f"http://127.0.0.1:{port}/api")
    with open(log, "ab") as handle:
        return subprocess.Popen(prefect("server", "start", "--host", "127.0.0.1", "--port", str(port)),
                                env=env, stdout=handle, stderr=subprocess.STDOUT)


def ensure_work_pool(url: str) -> None:
    env = service_environment(url)
    found = subprocess.run(prefect("work-pool", "inspect", WORK_POOL), env=env, capture_output=True)
    if found.returncode:
        subprocess.run(prefect("work-pool", "create", WORK_POOL, "--type", "process"), env=env, check=True,
                       capture_output=True)


def start_worker(url: str, log: Path, run_once: bool = False) -> subprocess.Popen:
    env = service_environment(url)
    args = prefect("worker", "start", "--pool", WORK_POOL, "--type", "process")
    with open(log, "ab") as handle:
        return subprocess.Popen(args + (["--run-once"] if run_once else []), env=env, cwd=settings.ROOT,
                                stdout=handle, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None, grace: float = 30) -> None:
    """TERM, then KILL if it has not exited within `grace` seconds (a busy worker can take longer to
    wind down than anyone should wait)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def deploy(url: str, timezone: str = "UTC") -> str:
    """Register every deployment in prefect.yaml; returns Prefect's output."""
    ensure_work_pool(url)
    env = service_environment(url) | {"DIGITELLER_TIMEZONE": timezone}
    result = subprocess.run(prefect("--no-prompt", "deploy", "--all"), env=env, cwd=settings.ROOT,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"prefect deploy failed: {(result.stderr or result.stdout).strip()[-400:]}")
    return result.stdout
