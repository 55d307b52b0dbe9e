"""Serving benchmark: both worlds — one repeated URL and distinct requests — for the atlas and
its peers (pygeoapi, TiPg on PostGIS, nginx) side by side in one run, plus a scale series and
the start-up time.

    python bench/run.py                         # the full run: about 12 minutes on 2 cores
    python bench/run.py --runs 2                # twice over, every cell a min–max range (~22 min)
    python bench/run.py --seconds 3 --out /tmp/short.md        # a short check while developing
    python bench/run.py --peers atlas,tipg --no-scale          # a subset
    python bench/run.py --artifact-dir ~/.cache/chengyu-atlas   # start-up with the user's artifact

Everything is on 127.0.0.1; every wrk run is bounded in time. Install steps run on first use
(``bench/harness.py``, ``bench/peers.py``): Debian ``wrk``, ``nginx-light``, ``postgresql-15``,
``postgresql-15-postgis-3`` and ``gdal-bin`` through ``apt-get`` (as root or through sudo),
pygeoapi in ``bench/.venv-pygeoapi`` and TiPg in ``bench/.venv-tipg`` (PyPI, ``pip``). Run it
with the project's python (``.venv/bin/python bench/run.py``).

What it does:

1. **Start-up.** Launches the atlas as ``./atlas serve`` does (``python -m api``: the app
   loaded once, one forked uvicorn worker per core) and times launch → first
   200 on ``/api/layers/counties``; stops it and does it again. ``ATLAS_ARTIFACT_DIR`` points
   to a fresh empty folder (or ``--artifact-dir``), so the first start builds the layers and
   writes the on-disk artifact and the second reads it. The second server is the one measured.
   The scale app's start-up is timed too (its extra layers are built at every start).
2. **Peers.** Exports the county layer over HTTP from the atlas (``/api/layers/counties``) and
   serves that same file from pygeoapi (GeoJSON provider), TiPg (loaded into PostGIS with
   ogr2ogr) and nginx (``gzip_static`` on a gzip -9 copy).
3. **Cases**, each measured as a *repeated* URL (what response caches serve) and as *distinct*
   requests (``bench/lua/distinct.lua`` draws a new value per request), on every peer that has
   an equivalent URL:

   - bbox window, OGC items ``limit=100``: random windows 0.2–1.5° wide in 102–110.5E, 27.5–33N;
   - paging, OGC items ``limit=100``, random ``offset`` (0 … features − 1);
   - the full county layer through a random all-covering bbox (``bbox=90+r,20+r,120+r,40+r``),
     gzip — the atlas's ``/api/layers/counties``, pygeoapi/TiPg items ``limit=10000``, nginx's
     static file (which ignores the query string: the upper bound);
   - ``/api/search?q=`` with a random real name (names_zh, their first two characters,
     names_en and their first, pinyin, word, of the counties and every project layer, read from
     the atlas at start-up into a terms file the Lua script reads): atlas only, no peer has a
     cross-layer search;
   - the map endpoint ``/api/layers/counties?zoom=7&bbox=…``, random windows: atlas only, no
     peer simplifies per zoom;
   - a page of OGC items (``limit=10``) with a random ``Host`` header (links carry the host).

   wrk 4 (``--latency``), ``Accept-Encoding: gzip``, 64 connections for the atlas, TiPg and
   nginx; pygeoapi gets 2 (``--pygeoapi-connections``): with more it times out, since its
   GeoJSON provider re-reads the file on every request. TiPg serves the full layer at about
   2 req/s on 2 cores, so at 64 connections its latency there is mostly queue
   (``--tipg-connections`` to lower it). Bytes are wrk's bytes read per response, headers
   included; "–" is no equivalent URL, or no response completed within the run. Each
   measurement starts once the CPUs are 90 % idle over half a second (``harness.wrk``): a peer
   keeps working through the requests it queued after wrk stops (TiPg, at 64 connections, for
   seconds), and that work is not the next measurement's. wrk 4 corrects its percentiles for
   coordinated omission (every sample longer than twice the mean interval adds samples down to
   it), so a few slow requests weigh more than their count.
4. **Scale series** (``bench/scale_app.py``, run with ``uvicorn --factory``): the same distinct
   bbox, paging and full-layer queries on the 221 counties, the project layers in one layer
   (×1), the county layer of all of China (≈2,900 units) and the project layers ×10; 8
   connections (``--scale-connections``) so that p50 stays near the service time instead of the
   queue length of 64 connections. Each layer is warmed first (every query twice per worker;
   the time is reported), so a layer's one-off first-request work is not in its figures.

Prints Markdown tables and writes them to ``--out`` (default ``bench/results/latest.md``,
ignored by git). With ``--runs 2`` every cell is the range over the two runs. A benchmark, not
a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, apt_install, free_port, search_terms, wait_up, wrk  # noqa: E402
import peers  # noqa: E402

__all__ = ["free_port", "wait_up"]  # kept importable from here for older scripts

BBOX = "106,29,107.5,30.5"
OVERVIEW_ZOOM = 5
PEERS = ("atlas", "pygeoapi", "tipg", "nginx")
TITLES = {"atlas": "atlas", "pygeoapi": "pygeoapi", "tipg": "TiPg", "nginx": "nginx"}
#: The OGC items path of the county collection on each peer (pygeoapi needs f=json).
ITEMS = {
    "atlas": "/ogc/collections/counties/items?",
    "pygeoapi": "/collections/counties/items?f=json&",
    "tipg": "/collections/public.counties/items?",
}
#: All-covering bbox for the scale series (China spans 73.5–135.1E, 3.8–53.6N).
CHINA_ALL = "72,2,136,54"


@dataclass
class Case:
    """One query: per peer, the repeated URL's path and the distinct requests' Lua arguments."""

    name: str
    urls: dict[str, tuple[str, list[str]]]


def cases(features: int, terms: Path) -> list[Case]:
    full = {p: (ITEMS[p] + "limit=10000", [f"allbbox={ITEMS[p]}limit=10000&bbox={{}}"]) for p in ("pygeoapi", "tipg")}
    q = urllib.parse.quote("万州")
    return [
        Case("bbox window, items limit=100",
             {p: (f"{ITEMS[p]}limit=100&bbox={BBOX}", [f"bbox={ITEMS[p]}limit=100&bbox={{}}"]) for p in ITEMS}),
        Case("paging, items limit=100, random offset",
             {p: (f"{ITEMS[p]}limit=100&offset=100", [f"offset={ITEMS[p]}limit=100&offset={{}}", f"max={features - 1}"])
              for p in ITEMS}),
        Case("full county layer, gzip",
             {"atlas": ("/api/layers/counties", ["allbbox=/api/layers/counties?bbox={}"]), **full,
              "nginx": ("/counties.geojson", ["allbbox=/counties.geojson?bbox={}"])}),
        Case("search q=", {"atlas": (f"/api/search?q={q}", ["search=/api/search?q={}", f"terms={terms}"])}),
        Case("map zoom=7, bbox window",
             {"atlas": (f"/api/layers/counties?zoom=7&bbox={BBOX}", ["bbox=/api/layers/counties?zoom=7&bbox={}"])}),
        Case("items limit=10, random Host", {p: (f"{ITEMS[p]}limit=10", [f"host={ITEMS[p]}limit=10"]) for p in ITEMS}),
    ]


def scale_queries(layer: str, features: int) -> list[tuple[str, list[str]]]:
    items = f"/ogc/collections/{layer}/items?limit=100"
    return [
        ("bbox window, items limit=100", [f"bbox={items}&bbox={{}}"]),
        ("paging, items limit=100", [f"offset={items}&offset={{}}", f"max={max(features - 1, 0)}"]),
        ("full layer, all-covering bbox, gzip", [f"allbbox=/api/layers/{layer}?bbox={{}}", f"all={CHINA_ALL}"]),
    ]


# -- formatting -------------------------------------------------------------------------------

def _num(v: float) -> str:
    if v != v:  # NaN
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def span(values: list[float]) -> str:
    """One value, or the range over the runs."""
    values = [v for v in values if v == v]
    if not values:
        return "–"
    lo, hi = min(values), max(values)
    return _num(lo) if _num(lo) == _num(hi) else f"{_num(lo)}–{_num(hi)}"


def ratio_span(a: list[dict], b: list[dict]) -> str:
    if not a or not b:
        return "–"
    ratios = [x["rps"] / y["rps"] for x, y in zip(a, b) if x["rps"] == x["rps"] and y["rps"] == y["rps"] and y["rps"]]
    if not ratios:
        return "–"
    fmt = (lambda r: f"{r:,.0f}×") if min(ratios) >= 10 else (lambda r: f"{r:.2f}×")
    lo, hi = fmt(min(ratios)), fmt(max(ratios))
    return lo if lo == hi else f"{lo}–{hi}"


def git_describe() -> str:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "api", "layers", "geo"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return rev + (" with uncommitted changes in api/, layers/ or geo/" if dirty else "")


def warm(base: str, layer: str, workers: int) -> float:
    """Serve each scale query a few times, 2 per worker at once, before measuring: whatever a
    layer builds on its first request (per worker) is not what the series compares. Returns the
    seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    paths = []
    for i in range(2 * workers):
        w = 106 + i / 100
        paths += [f"/ogc/collections/{layer}/items?limit=100&bbox={w},29,{w + 1.5},30.5",
                  f"/ogc/collections/{layer}/items?limit=100&offset={i}", f"/api/layers/{layer}?bbox=72,2,136,{54 + i / 100}"]
    start = time.monotonic()
    with ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(lambda p: httpx.get(base + p, headers={"Accept-Encoding": "gzip"}, timeout=900), paths))
    return time.monotonic() - start


def raw_size(url: str) -> int:
    """Body bytes on the wire with gzip (httpx decompresses, so read the raw stream)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}, timeout=300) as r:
        return sum(len(chunk) for chunk in r.iter_raw())


# -- the run ----------------------------------------------------------------------------------

def measure(server: peers.Server, peer: str, case: Case, mode: str, args) -> dict:
    path, lua = case.urls[peer]
    conns = {"pygeoapi": args.pygeoapi_connections, "tipg": args.tipg_connections}.get(peer, args.connections)
    if mode == "repeated":
        httpx.get(server.base + path, headers={"Accept-Encoding": "gzip"}, timeout=300)  # warm, as a first user would
        return wrk(server.base, args.seconds, conns, path=path)
    return wrk(server.base, args.seconds, conns, lua=lua)


def peers_and_cases(args, folder: Path, wanted: list[str], servers: dict, results: dict, notes: list, startup: list) -> dict:
    """Steps 1–3: the atlas's start-up, the peers, every case. Servers are left in ``servers``
    for the caller to stop. Returns what the report needs besides."""
    # 1. start-up, twice; the second server stays up for the cases.
    for path in args.startup_clear:
        p = Path(path)
        shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)
    artifact = args.artifact_dir or str(folder / "artifact")  # fresh: the first start builds
    env = {"ATLAS_ARTIFACT_DIR": artifact}
    where = "a fresh ATLAS_ARTIFACT_DIR" if not args.artifact_dir else f"ATLAS_ARTIFACT_DIR={artifact}"
    first, seconds = peers.start_atlas(args.workers, env=env)
    startup.append((f"atlas, first start ({where})", seconds))
    first.stop()
    made = sorted(Path(artifact).glob("*")) if Path(artifact).is_dir() else []
    notes_startup = (f"{len(made)} file(s) in the artifact directory after the first start, "
                     f"{sum(p.stat().st_size for p in made if p.is_file()) / 2**20:,.1f} MiB") if made else \
        "no file in the artifact directory after the first start"
    servers["atlas"], seconds = peers.start_atlas(args.workers, env=env)
    startup.append(("atlas, second start (same artifact directory)", seconds))
    a = servers["atlas"].base
    print(f"start-up: {startup}", flush=True)

    # 2. the same county file for every peer.
    data = folder / "counties.geojson"
    data.write_bytes(httpx.get(a + "/api/layers/counties", timeout=300).content)
    catalogue = {e["id"]: e for e in httpx.get(a + "/api/layers", timeout=60).json()["layers"]}
    features = catalogue["counties"]["feature_count"]
    terms = search_terms(a, folder)
    starters = {"pygeoapi": (lambda: peers.start_pygeoapi(data, folder, args.workers), peers.wait_pygeoapi),
                "tipg": (lambda: peers.start_tipg(data, folder, args.workers), peers.wait_tipg),
                "nginx": (lambda: peers.start_nginx(data, folder), peers.wait_nginx)}
    for name in wanted[1:]:
        try:
            servers[name] = starters[name][0]()
        except Exception as exc:
            notes.append(f"{TITLES[name]} not measured: {type(exc).__name__}: {str(exc)[:300]}")
            print(notes[-1], file=sys.stderr, flush=True)
    for name in list(servers):
        if name == "atlas":
            continue
        try:
            starters[name][1](servers[name])
        except Exception as exc:
            notes.append(f"{TITLES[name]} not measured: {type(exc).__name__}: {str(exc)[:300]}")
            print(notes[-1], file=sys.stderr, flush=True)
            servers.pop(name).stop()
    overview = {
        "full_gzip": raw_size(a + "/api/layers/counties"),
        "zoom_gzip": raw_size(a + f"/api/layers/counties?zoom={OVERVIEW_ZOOM}"),
        "full": len(data.read_bytes()),
        "zoom": len(httpx.get(a + f"/api/layers/counties?zoom={OVERVIEW_ZOOM}", timeout=120).content),
    }

    # 3. every case, repeated and distinct, on every peer that has it; runs interleaved.
    all_cases = cases(features, terms)
    for run in range(args.runs):
        for case in all_cases:
            for mode in ("repeated", "distinct"):
                for name, server in servers.items():
                    if name not in case.urls:
                        continue
                    r = measure(server, name, case, mode, args)
                    results.setdefault((case.name, mode, name), []).append(r)
                    print(f"run {run + 1} | {case.name} | {mode} | {name}: {r['rps']:.1f} req/s, "
                          f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {r['bytes']:,.0f} B", flush=True)
    return {"overview": overview, "features": features, "notes_startup": notes_startup}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement (default 10)")
    parser.add_argument("--runs", type=int, default=1, help="repeat every measurement; cells give the range")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections for the atlas, TiPg and nginx")
    parser.add_argument("--pygeoapi-connections", type=int, default=2)
    parser.add_argument("--tipg-connections", type=int, default=64)
    parser.add_argument("--scale-connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers (atlas, pygeoapi, TiPg)")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS))
    parser.add_argument("--no-scale", action="store_true", help="skip the scale series")
    parser.add_argument("--no-cases", action="store_true", help="skip start-up, peers and cases (only the scale series)")
    parser.add_argument("--artifact-dir", metavar="PATH",
                        help="ATLAS_ARTIFACT_DIR for the atlas (default: a fresh empty folder, so the first start builds)")
    parser.add_argument("--startup-clear", action="append", default=[], metavar="PATH",
                        help="delete PATH (file or folder) before the first start")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.md"))
    args = parser.parse_args()
    wanted = [p for p in args.peers.split(",") if p]
    if unknown := set(wanted) - set(PEERS):
        parser.error(f"unknown peers {sorted(unknown)}")
    if "atlas" not in wanted:
        wanted.insert(0, "atlas")
    apt_install("wrk")
    started = dt.datetime.now(dt.timezone.utc)
    notes: list[str] = []
    servers: dict[str, peers.Server] = {}
    results: dict[tuple[str, str, str], list[dict]] = {}
    scale_rows: list[tuple[str, int, str, list[dict]]] = []
    warmup: dict[str, float] = {}
    startup: list[tuple[str, float]] = []
    info = {"overview": None, "features": None, "notes_startup": ""}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        folder = Path(tmp)
        try:
            if not args.no_cases:
                info = peers_and_cases(args, folder, wanted, servers, results, notes, startup)
        finally:
            for server in servers.values():
                server.stop()
        versions = [s.note for s in servers.values() if s.note]

        # 4. the scale series, after the peers are gone.
        if not args.no_scale:
            scale, seconds = peers.start_atlas(args.workers, "scale_app:create_app", factory=True, name="scale")
            startup.append(("scale app (counties + China + projects ×1, ×10), start", seconds))
            try:
                catalogue = {e["id"]: e for e in httpx.get(scale.base + "/api/layers", timeout=60).json()["layers"]}
                for layer in ("counties", "projects_x1", "china_counties", "projects_x10"):
                    n = catalogue[layer]["feature_count"]
                    warmup[layer] = warm(scale.base, layer, args.workers)
                    for query, lua in scale_queries(layer, n):
                        runs = []
                        for _ in range(args.runs):
                            runs.append(wrk(scale.base, args.seconds, args.scale_connections, lua=lua))
                            print(f"scale | {layer} ({n}) | {query}: {runs[-1]['rps']:.1f} req/s, p50 {runs[-1]['p50']:.1f} ms",
                                  flush=True)
                        scale_rows.append((layer, n, query, runs))
            finally:
                scale.stop()

    text = report(args, started, versions, notes, results, scale_rows, startup, info["overview"], info["features"], warmup,
                  info["notes_startup"])
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    return 0


def case_tables(results: dict, peers_run: list[str], case_names: list[str], overview: dict | None) -> list[str]:
    """Requests/s with ratios, latency and bytes per case, mode and peer."""
    lines = [
        "",
        "**Requests per second** (repeated: one URL; distinct: a new URL per request)",
        "",
        "| case | requests | " + " | ".join(TITLES[p] for p in peers_run) + " | "
        + " | ".join(f"atlas ÷ {TITLES[p]}" for p in peers_run if p != "atlas") + " |",
        "|---|---|" + "---|" * (2 * len(peers_run) - 1),
    ]
    for name in case_names:
        for mode in ("repeated", "distinct"):
            row = [results.get((name, mode, p), []) for p in peers_run]
            atlas = results.get((name, mode, "atlas"), [])
            lines.append(f"| {name} | {mode} | " + " | ".join(span([r["rps"] for r in runs]) for runs in row) + " | "
                         + " | ".join(ratio_span(atlas, results.get((name, mode, p), [])) for p in peers_run if p != "atlas") + " |")
    lines += ["", "**Latency, ms: p50 / p99**", "",
              "| case | requests | " + " | ".join(TITLES[p] for p in peers_run) + " |",
              "|---|---|" + "---|" * len(peers_run)]
    for name in case_names:
        for mode in ("repeated", "distinct"):
            cells = []
            for p in peers_run:
                runs = results.get((name, mode, p), [])
                cells.append(f"{span([r['p50'] for r in runs])} / {span([r['p99'] for r in runs])}" if runs else "–")
            lines.append(f"| {name} | {mode} | " + " | ".join(cells) + " |")
    lines += ["", "**Bytes per response** (wrk's bytes read ÷ responses, headers included)", "",
              "| case | requests | " + " | ".join(TITLES[p] for p in peers_run) + " |",
              "|---|---|" + "---|" * len(peers_run)]
    for name in case_names:
        for mode in ("repeated", "distinct"):
            lines.append(f"| {name} | {mode} | " + " | ".join(
                span([r["bytes"] for r in results.get((name, mode, p), [])]) for p in peers_run) + " |")
    errors = [f"{TITLES[k[2]]} {k[0]} ({k[1]}): {sum(r['non2xx'] for r in v)} non-2xx, {sum(r['socket_errors'] for r in v)} socket errors"
              for k, v in results.items() if any(r["non2xx"] or r["socket_errors"] for r in v)]
    lines += ["", "–: not measured, no equivalent URL, or no response completed within the run.",
              "Errors: " + ("; ".join(errors) if errors else "none (0 non-2xx, 0 socket errors in every run).")]
    if overview:
        lines.append(
            f"Overview zoom {OVERVIEW_ZOOM}: {overview['zoom_gzip']:,} bytes gzip = {overview['zoom_gzip'] / overview['full_gzip']:.1%} "
            f"of the full layer's {overview['full_gzip']:,}; uncompressed {overview['zoom']:,} of {overview['full']:,} = "
            f"{overview['zoom'] / overview['full']:.1%}.")
    return lines


def report(args, started, versions, notes, results, scale_rows, startup, overview, features, warmup, notes_startup="") -> str:
    peers_run = [p for p in PEERS if any(k[2] == p for k in results)]
    case_names = list(dict.fromkeys(k[0] for k in results))
    lines = [
        f"Run {started:%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, atlas at {git_describe()}; "
        f"{', '.join(versions)}. wrk {args.seconds} s per measurement, {args.runs} run(s)"
        f"{' (cells: range over the runs)' if args.runs > 1 else ''}; {args.connections} connections "
        f"({args.pygeoapi_connections} for pygeoapi, {args.tipg_connections} for TiPg); {args.workers} workers each (the atlas: `python -m api --workers`, forked after one load; the peers: uvicorn's); Accept-Encoding: gzip. "
        + (f"County layer: {features} features." if features else ""),
    ]
    waits = [r.get("waited", 0.0) for rs in results.values() for r in rs]
    if waits:
        lines[-1] += (f" Each measurement waited for a quiet machine (90 % idle over 0.5 s): "
                      f"{min(waits):.1f}–{max(waits):.1f} s.")
    if results:
        lines += case_tables(results, peers_run, case_names, overview)
    lines += [f"Not measured: {n}" for n in notes]
    if scale_rows:
        base = {q: runs for layer, _, q, runs in scale_rows if layer == "counties"}
        lines += ["", f"**Scale series** (bench/scale_app.py; distinct requests, {args.scale_connections} connections, "
                  f"{args.workers} workers; × is relative to the 221 counties)", "",
                  "| query | layer | features | req/s | p50 ms | p99 ms | bytes/response | req/s vs counties | p50 vs counties |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for layer, n, query, runs in sorted(scale_rows, key=lambda r: ([q for _, _, q, _ in scale_rows].index(r[2]), r[1])):
            b = base.get(query, [])
            rel_rps = span([r["rps"] / x["rps"] for r, x in zip(runs, b) if x["rps"]]) if b else "–"
            rel_p50 = span([r["p50"] / x["p50"] for r, x in zip(runs, b) if x["p50"]]) if b else "–"
            rel_rps, rel_p50 = (v if v == "–" else v + "×" for v in (rel_rps, rel_p50))
            lines.append(f"| {query} | {layer} | {n:,} | {span([r['rps'] for r in runs])} | {span([r['p50'] for r in runs])} | "
                         f"{span([r['p99'] for r in runs])} | {span([r['bytes'] for r in runs])} | {rel_rps} | {rel_p50} |")
        lines.append("Warm-up before measuring (each query 2× per worker, 2 per worker at once): "
                     + "; ".join(f"{layer} {s:.1f} s" for layer, s in warmup.items()) + ".")
        errors = [f"{layer} {q}" for layer, _, q, runs in scale_rows if any(r["non2xx"] or r["socket_errors"] for r in runs)]
        if errors:
            lines.append("Errors in the scale series: " + "; ".join(errors))
    lines += ["", "**Start-up** (launch → first 200 on /api/layers/counties, "
              f"`python -m api --workers {args.workers}`)", "", "| start | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in startup]
    if notes_startup:
        lines += ["", notes_startup[0].upper() + notes_startup[1:] + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
