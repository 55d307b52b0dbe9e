"""``python -m api --workers N``: one load, forked workers on one socket, supervised."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.browser.servers import served

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked (POSIX)")


def _children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def _wait_for(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_workers_are_forked_replaced_when_they_die_and_stopped_together():
    with served(["api", "--workers", "2"], startup_s=300) as (base, proc):
        workers = _wait_for(lambda: (lambda c: c if len(c) == 2 else None)(_children(proc.pid)))
        assert httpx.get(base + "/api/layers/counties?bbox=106,29,107,30").status_code == 200
        gone = min(workers)
        os.kill(gone, signal.SIGKILL)
        now = _wait_for(lambda: (lambda c: c if len(c) == 2 and gone not in c else None)(_children(proc.pid)))
        assert now - {gone} and (now - workers)  # a new worker in its place
        for _ in range(10):  # both answer (whichever the kernel hands the connection to)
            assert httpx.get(base + "/health", timeout=10).status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z" for pid in now)


def test_the_serve_command_refuses_a_port_in_use():
    with served(["api", "--workers", "1"], startup_s=300) as (base, _):
        port = base.rsplit(":", 1)[1]
        taken = subprocess.run([sys.executable, "-m", "api", "--port", port, "--workers", "1"], capture_output=True, text=True, timeout=120)
        assert taken.returncode != 0 and "in use" in (taken.stderr + taken.stdout).lower()
