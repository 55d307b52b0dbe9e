"""Do the two response caches earn their keep? The atlas with and without the raw replay cache.

    python bench/caches.py [--seconds 6]

Starts the app under uvicorn on 127.0.0.1 twice (``ATLAS_RAW_RESPONSE_CACHE`` true, then false)
and drives each with wrk (Debian ``wrk``) on the same cases, each both with one repeated URL
(what a cache serves) and with distinct requests (a Lua script draws a new bbox / offset per
request, so no response is replayed). Prints requests/s per case. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "counties bbox": ("/api/layers/counties?bbox=106,29,107.5,30.5",
                      'local w = 105 + math.random() * 2; local s = 28.5 + math.random() * 2\n'
                      'path = string.format("/api/layers/counties?bbox=%.4f,%.4f,%.4f,%.4f", w, s, w + 1.5, s + 1.5)'),
    "ogc rail page": ("/ogc/collections/rail/items?limit=10",
                      'path = string.format("/ogc/collections/rail/items?limit=10&offset=%d", math.random(0, 60))'),
    "zones layer": ("/api/layers/zones",
                    'path = string.format("/api/layers/zones?bbox=%.3f,28,110,33", 103 + math.random())'),
}


def wrk(url: str, seconds: int, lua: str | None) -> float:
    args = ["wrk", "-t1", "-c16", f"-d{seconds}s", "-H", "Accept-Encoding: gzip"]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write("math.randomseed(os.time())\nrequest = function()\n" + lua + "\nreturn wrk.format('GET', path)\nend\n")
        script.close()
        args += ["-s", script.name]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 60).stdout
    if script:
        os.unlink(script.name)
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


def serve(port: int, raw_cache: bool) -> subprocess.Popen:
    env = os.environ | {"ATLAS_RAW_RESPONSE_CACHE": str(raw_cache).lower(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(1)
    proc.kill()
    raise RuntimeError("the app did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    args = parser.parse_args()
    print("| case | requests | raw cache on req/s | raw cache off req/s | ratio |")
    print("|---|---|---|---|---|")
    results = {}
    for raw in (True, False):
        proc = serve(8811 + raw, raw)
        try:
            for name, (path, lua) in CASES.items():
                base = f"http://127.0.0.1:{8811 + raw}"
                httpx.get(base + path, headers={"Accept-Encoding": "gzip"})
                results[(name, "repeated", raw)] = wrk(base + path, args.seconds, None)
                results[(name, "distinct", raw)] = wrk(base + path, args.seconds, lua)
        finally:
            proc.terminate()
            proc.wait()
    for name in CASES:
        for kind in ("repeated", "distinct"):
            on, off = results[(name, kind, True)], results[(name, kind, False)]
            print(f"| {name} | {kind} | {on:,.0f} | {off:,.0f} | {on / off:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
