"""The CLI's own temporary Prefect server (digiteller/operations.py `TemporaryServer`): started without
importing Prefect's server into the CLI's process, it serves the flow and goes when the CLI is done."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digiteller.operations import TemporaryServer


@pytest.mark.slow
def test_a_flow_runs_against_the_temporary_server_and_stopping_it_ends_its_process():
    from prefect import flow, get_client

    @flow
    def hello() -> int:
        return 7

    server = TemporaryServer()
    try:
        server.wait_until_ready()
        with server.serving():
            state = hello(return_state=True)
            with get_client(sync_client=True) as client:
                assert client.api_url.port == server.port
                assert client.read_flow_run(state.state_details.flow_run_id).state.is_completed()
        assert state.result() == 7
    finally:
        server.stop()
    assert server.process.poll() is not None


def test_a_server_that_dies_starting_is_one_line_naming_its_last_words(monkeypatch):
    def dying(self) -> None:
        self.port = 1
        self.process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit('sqlite3: disk I/O error')"],
                                        stderr=self.errors)

    monkeypatch.setattr(TemporaryServer, "_launch", dying)
    server = TemporaryServer()
    with pytest.raises(RuntimeError, match=r"^Prefect's temporary server did not start: sqlite3: disk I/O error$"):
        server.wait_until_ready()
    server.stop()
