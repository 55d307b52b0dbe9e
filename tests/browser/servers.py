"""Run the app under a real uvicorn on 127.0.0.1 for browser and client tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def uvicorn_server(target: list[str], startup_s: float = 120):
    """Start ``python -m <target…> --host 127.0.0.1 --port P``; yield the base URL once /health answers."""
    with served(target, startup_s) as (base, _):
        yield base


@contextmanager
def served(target: list[str], startup_s: float = 120):
    """As :func:`uvicorn_server`, yielding the base URL and the process."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", *target, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=os.environ | {"PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode(errors="replace"))
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start within {startup_s} s")
            time.sleep(0.3)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def open_page(browser, server, width=1400, height=900):
    """A page on a viewport that fails the test on any request off the server, a JavaScript
    error or a CSP violation."""
    context = browser.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith((server, "file://")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        yield pg
    finally:
        context.close()
    assert not outside, f"page tried to reach the network: {outside}"
    assert not errors, f"JavaScript errors or CSP violations: {errors}"
