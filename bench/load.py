"""Load soak: 60 s at 64 connections against /api/layers/{id}, a bbox query and /ogc items.

    python bench/load.py [--seconds 60] [--connections 64] [--workers N]

Starts the atlas under uvicorn with several workers on 127.0.0.1, warms it, records the
resident memory of the server processes, drives the three URLs in rotation with wrk (a Lua
script), then reports requests/s, errors (target 0) and RSS growth (target < 10 %). A
benchmark, not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import free_port, wait_up  # noqa: E402

PATHS = [
    "/api/layers/zones",
    "/api/layers/counties?bbox=106,29,107.5,30.5",
    "/ogc/collections/rail/items?limit=10",
]


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (uvicorn's workers), in KiB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(m.group(1)) if m else 0
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers), "--log-level", "warning"], cwd=ROOT)
    try:
        wait_up(base + "/health")
        for _ in range(3 * args.workers):  # every worker warms every URL
            for path in PATHS:
                httpx.get(base + path, headers={"Accept-Encoding": "gzip"}, timeout=60)
        time.sleep(1)
        before = rss_kb(server.pid)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write("paths = {" + ",".join(f'"{p}"' for p in PATHS) + "}\n"
                      "i = 0\nrequest = function()\n  i = i + 1\n"
                      "  return wrk.format('GET', paths[(i % #paths) + 1], {['Accept-Encoding'] = 'gzip'})\nend\n")
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s", "--latency", "-s", lua.name, base],
            capture_output=True, text=True, timeout=args.seconds + 120,
        ).stdout
        os.unlink(lua.name)
        after = rss_kb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    socket_errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    growth = (after - before) / before * 100
    print(out)
    print(f"{args.seconds} s, {args.connections} connections, {args.workers} workers: {requests:,} requests, {rps:,.0f} req/s")
    print(f"errors: {non2xx} non-2xx, {socket_errors} socket errors (target 0)")
    print(f"RSS of the server processes: {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after, growth {growth:+.1f}% (target < 10%)")
    return 0 if non2xx == 0 and socket_errors == 0 and growth < 10 else 1


if __name__ == "__main__":
    sys.exit(main())
