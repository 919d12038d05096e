"""Nothing reaches for the network: a whole story made inside a network namespace with only loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from core import settings

pytestmark = pytest.mark.slow


def can_unshare() -> bool:
    return bool(shutil.which("unshare")) and subprocess.run(
        ["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not can_unshare(), reason="needs `unshare -n` (root or user namespaces)")
def test_a_story_is_made_with_networking_disabled(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_API")}
    env["DIGITELLER_HOME"] = str(tmp_path)
    command = ["unshare", "-n", "sh", "-c", 'ip link set lo up 2>/dev/null; exec "$@"', "offline",
               sys.executable, "-m", "digiteller.cli", "story", "a fox who finds a lost lantern", "--sentences", "2",
               "--voice", "espeak-en", "--model", "text=smollm2-135m", "--out", str(tmp_path / "story")]
    result = subprocess.run(command, env=env, cwd=settings.ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "story" / "story.mp4").stat().st_size > 10_000
