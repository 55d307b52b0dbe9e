"""Load soak: the atlas with 2 workers (``python -m api``: forked after one load), driven by
wrk, with its memory watched.

    python bench/load.py                      # 60 s, three repeated URLs in rotation (the old soak)
    python bench/load.py --soak 600           # 600 s of distinct requests, RSS of each worker every 10 s
    python bench/load.py --soak 600 --cache-max-bytes 67108864 --out bench/results/soak.md
    ATLAS_CACHE_MAX_BYTES=67108864 python bench/load.py --soak 600      # the same

Run it with the project's python (``.venv/bin/python``); wrk is Debian's ``wrk`` (installed
with apt-get on first use). Everything is on 127.0.0.1 and bounded in time.

**Default mode**: warms the workers, records the RSS of the server processes, drives
``/api/layers/zones``, a bbox query on the counties and ``/ogc/collections/rail/items`` in
rotation for ``--seconds``, then reports requests/s, errors (target 0) and RSS growth (target
< 10 %). Repeated URLs: what the response caches serve.

**Soak mode** (``--soak N``): for N seconds, wrk sends *distinct* requests (``bench/lua/distinct.lua``
with every kind mixed, each request drawing its own): random bbox windows on OGC items
(``limit=100``) and on the map endpoint (``zoom=7``), the full county layer through a random
all-covering bbox, ``/api/search`` with a random real name, and an items page with a random
``Host``. Every 10 s (``--interval``) it samples the RSS of each worker (``/proc``; a forked
worker's RSS counts the pages it shares with the loaded parent, so it is an upper bound) and
prints a table; the RSS has reached a plateau when, per worker, the last 3 samples lie within
5 % (``--plateau-samples``, ``--plateau-pct``). ``ATLAS_CACHE_MAX_BYTES`` (total bytes of all
response caches per worker) is passed through from the environment or set by
``--cache-max-bytes``; any other ``ATLAS_*`` variable passes through too.

Prints Markdown; ``--out FILE`` writes it. Exit status 0 when there were no errors and
(soak) every worker's RSS reached a plateau, (default) RSS grew < 10 %. A benchmark, not a
test: nothing asserts a time.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    ROOT, apt_install, free_port, parse_wrk, rss_mib, search_terms, stop, uvicorn_workers, wait_up, wrk_command,
)
from peers import atlas_command  # noqa: E402

PATHS = [
    "/api/layers/zones",
    "/api/layers/counties?bbox=106,29,107.5,30.5",
    "/ogc/collections/rail/items?limit=10",
]

#: The soak's mix of distinct requests (bench/lua/distinct.lua kinds).
SOAK_MIX = [
    "bbox=/ogc/collections/counties/items?limit=100&bbox={}",
    "bbox2=/api/layers/counties?zoom=7&bbox={}",
    "allbbox=/api/layers/counties?bbox={}",
    "search=/api/search?q={}",
    "host=/ogc/collections/counties/items?limit=10",
]


def start(workers: int, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(atlas_command(port, workers), cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)} | env)
    base = f"http://127.0.0.1:{port}"
    wait_up(base + "/health", seconds=600, proc=proc, status=200)
    return proc, base


def plateau(samples: list[float], n: int, pct: float) -> bool:
    """The last ``n`` samples lie within ``pct`` % of each other (max ÷ min − 1)."""
    last = samples[-n:]
    return len(last) == n and min(last) > 0 and (max(last) / min(last) - 1) * 100 <= pct


def soak(args, env: dict) -> tuple[str, bool]:
    proc, base = start(args.workers, env)
    lines: list[str] = []
    try:
        workers = uvicorn_workers(proc.pid)
        with tempfile.TemporaryDirectory(prefix="atlas-soak-") as tmp:
            terms = search_terms(base, Path(tmp))
            for _ in range(3 * args.workers):  # every worker has served each kind once
                for path in ("/api/layers/counties", "/api/search?q=wanzhou", "/ogc/collections/counties/items?limit=100&bbox=106,29,107,30"):
                    httpx.get(base + path, headers={"Accept-Encoding": "gzip"}, timeout=120)
            cmd = wrk_command(base, args.soak, args.connections, lua=SOAK_MIX + [f"terms={terms}"], timeout=30)
            samples: list[tuple[float, list[float]]] = [(0.0, [rss_mib(w) for w in workers])]
            t0 = time.monotonic()
            out_file = Path(tmp) / "wrk.out"
            with out_file.open("w") as out:
                load = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
                try:
                    while load.poll() is None:
                        next_at = t0 + len(samples) * args.interval
                        while load.poll() is None and time.monotonic() < next_at:
                            time.sleep(0.2)
                        if load.poll() is None:
                            samples.append((time.monotonic() - t0, [rss_mib(w) for w in workers]))
                            print(f"t={samples[-1][0]:.0f}s RSS MiB: {', '.join(f'{v:.0f}' for v in samples[-1][1])}", flush=True)
                    if time.monotonic() - t0 - samples[-1][0] > 1:
                        samples.append((time.monotonic() - t0, [rss_mib(w) for w in workers]))
                finally:
                    if load.poll() is None:
                        load.kill()
                    load.wait(timeout=args.soak + 120)
            r = parse_wrk(out_file.read_text())
    finally:
        stop([proc])
    cache = env.get("ATLAS_CACHE_MAX_BYTES") or os.environ.get("ATLAS_CACHE_MAX_BYTES") or "unset (the app's default)"
    lines += [
        f"Soak: {args.soak} s of distinct requests, {args.connections} connections, `python -m api` with {len(workers)} forked workers "
        f"(pids {', '.join(map(str, workers))}); ATLAS_CACHE_MAX_BYTES={cache}. Mix, one kind drawn per request: "
        "OGC items limit=100 in a random bbox window; the map endpoint zoom=7 in a random window; the full county layer "
        "through a random all-covering bbox (gzip); /api/search with a random real name; items limit=10 with a random Host.",
        "",
        f"Requests: {r['requests']:,} ({r['rps']:,.1f} req/s), p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; "
        f"errors: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors (target 0).",
        "",
        "| t (s) | " + " | ".join(f"worker {i + 1} RSS MiB" for i in range(len(workers))) + " |",
        "|---|" + "---|" * len(workers),
    ]
    lines += [f"| {t:.0f} | " + " | ".join(f"{v:.0f}" for v in values) + " |" for t, values in samples]
    flat = []
    for i in range(len(workers)):
        series = [values[i] for _, values in samples]
        ok = plateau(series, args.plateau_samples, args.plateau_pct)
        flat.append(ok)
        last = series[-args.plateau_samples:]
        lines.append(
            f"Worker {i + 1}: {series[0]:.0f} → {series[-1]:.0f} MiB (peak {max(series):.0f}); last {len(last)} samples "
            f"within {(max(last) / min(last) - 1) * 100 if min(last) else float('nan'):.1f} %: "
            + ("plateau reached." if ok else f"no plateau (needs ≤ {args.plateau_pct:g} %)."))
    return "\n".join(lines) + "\n", all(flat) and r["non2xx"] == 0 and r["socket_errors"] == 0


def rotation(args, env: dict) -> tuple[str, bool]:
    proc, base = start(args.workers, env)
    try:
        for _ in range(3 * args.workers):  # every worker warms every URL
            for path in PATHS:
                httpx.get(base + path, headers={"Accept-Encoding": "gzip"}, timeout=60)
        time.sleep(1)
        workers = uvicorn_workers(proc.pid)
        before = sum(rss_mib(p) for p in [proc.pid, *workers])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write("paths = {" + ",".join(f'"{p}"' for p in PATHS) + "}\n"
                      "i = 0\nrequest = function()\n  i = i + 1\n"
                      "  return wrk.format('GET', paths[(i % #paths) + 1], {['Accept-Encoding'] = 'gzip'})\nend\n")
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s", "--latency", "-s", lua.name, base],
            capture_output=True, text=True, timeout=args.seconds + 120,
        ).stdout
        os.unlink(lua.name)
        after = sum(rss_mib(p) for p in [proc.pid, *workers])
    finally:
        stop([proc])
    r = parse_wrk(out)
    growth = (after - before) / before * 100
    text = (
        f"{args.seconds} s, {args.connections} connections, {args.workers} workers, repeated URLs in rotation: "
        f"{r['requests']:,} requests, {r['rps']:,.0f} req/s\n\n"
        "| requests | req/s | non-2xx | socket errors | RSS before | RSS after | growth |\n|---|---|---|---|---|---|---|\n"
        f"| {r['requests']:,} | {r['rps']:,.0f} | {r['non2xx']} | {r['socket_errors']} | {before:.0f} MiB | {after:.0f} MiB | "
        f"{growth:+.1f} % |\n\nTargets: 0 errors, RSS growth < 10 %.\n"
    )
    return text, r["non2xx"] == 0 and r["socket_errors"] == 0 and growth < 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="default mode: duration")
    parser.add_argument("--soak", type=int, metavar="N", help="soak mode: N seconds of distinct requests")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=10, help="soak: seconds between RSS samples")
    parser.add_argument("--plateau-samples", type=int, default=3)
    parser.add_argument("--plateau-pct", type=float, default=5.0)
    parser.add_argument("--cache-max-bytes", type=int, help="sets ATLAS_CACHE_MAX_BYTES for the server")
    parser.add_argument("--out", help="also write the Markdown here")
    args = parser.parse_args()
    apt_install("wrk")
    env = {"ATLAS_CACHE_MAX_BYTES": str(args.cache_max_bytes)} if args.cache_max_bytes is not None else {}
    text, ok = soak(args, env) if args.soak else rotation(args, env)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
