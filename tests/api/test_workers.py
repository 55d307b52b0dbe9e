"""``python -m api --workers N``: one load, forked workers on one socket, supervised."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from api.workers import EagerServer, listening_sockets, new_event_loop
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


@pytest.mark.parametrize("running, second", [(1, 1), (2, 2)], ids=["one worker each", "two workers each (shared port)"])
def test_the_serve_command_refuses_a_port_in_use(running, second):
    with served(["api", "--workers", str(running)], startup_s=300) as (base, _):
        port = base.rsplit(":", 1)[1]
        taken = subprocess.run([sys.executable, "-m", "api", "--port", port, "--workers", str(second)],
                               capture_output=True, text=True, timeout=120)
        assert taken.returncode != 0 and "in use" in (taken.stderr + taken.stdout).lower()


# -- listening sockets and eager accepting -------------------------------------------------

@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="needs SO_REUSEPORT")
def test_each_worker_gets_its_own_socket_on_one_port():
    sockets = listening_sockets("127.0.0.1", 0, 1)  # any free port, then share it
    port = sockets[0].getsockname()[1]
    sockets[0].close()
    made = listening_sockets("127.0.0.1", port, 3)
    try:
        assert len(made) == 3 and {s.getsockname()[1] for s in made} == {port}
        assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for s in made)
        # Another group on the same port is refused, though it asks to share it.
        with pytest.raises(OSError):
            listening_sockets("127.0.0.1", port, 2)
    finally:
        for s in made:
            s.close()


def test_a_plain_listener_on_the_port_is_refused():
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        for workers in (1, 2):
            with pytest.raises(OSError):
                listening_sockets("127.0.0.1", port, workers)


class _Counting(asyncio.Protocol):
    made: list = []

    def connection_made(self, transport):
        _Counting.made.append(transport)


@pytest.mark.parametrize("waiting", [1, 5, 40])
def test_the_eager_server_accepts_every_waiting_connection_in_one_event(waiting):
    """libuv accepts one connection per loop iteration; one readiness event here takes all."""
    loop = new_event_loop()
    listener = listening_sockets("127.0.0.1", 0, 1)[0]
    clients = []
    try:
        server = loop.run_until_complete(loop.create_server(_Counting, sock=listener))
        assert isinstance(server, EagerServer) or not _has_uvloop()
        clients = [socket.create_connection(listener.getsockname()) for _ in range(waiting)]  # queued by the kernel
        _Counting.made = []
        if isinstance(server, EagerServer):
            time.sleep(0.05)  # the handshakes are done
            server._accept()  # one readiness event, before the loop runs again
            with pytest.raises(BlockingIOError):  # none is left waiting
                listener.accept()
            loop.run_until_complete(asyncio.sleep(0.05))
            assert len(_Counting.made) == waiting
        server.close()
        loop.run_until_complete(server.wait_closed())
        assert not server.sockets
    finally:
        for t in _Counting.made:
            t.close()
        for c in clients:
            c.close()
        listener.close()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()


def _has_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def test_the_parent_makes_the_first_maps_responses_before_forking(monkeypatch):
    """Both workers start with the first view's layer responses made (shared by the fork): a
    first visitor's page is not drawn while its layers are made on the same cores."""
    import gc

    import api.app
    import api.workers

    class Forked(Exception):
        pass

    apps = []
    real_create_app = api.app.create_app
    monkeypatch.setattr(api.app, "create_app", lambda *a, **k: apps.append(real_create_app(*a, **k)) or apps[-1])

    def fork():
        raise Forked(len(apps[0].state.result_cache._lru))

    monkeypatch.setattr(api.workers.os, "fork", fork)
    monkeypatch.setattr(api.workers.signal, "signal", lambda *args: None)
    try:
        with pytest.raises(Forked) as forked:
            api.workers.serve("127.0.0.1", 0, 2, "warning")
    finally:
        gc.unfreeze()
    requests = api.app.first_map_requests(apps[0])
    assert len(requests) >= 10 and ("counties", 7) in requests
    assert forked.value.args[0] == len(requests)
