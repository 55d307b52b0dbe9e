"""How soon is a page ready in a browser? The map page and a zone page in headless Chromium.

    python bench/browser.py [--runs 5] [--cold 3] [--out bench/results/browser.md] [--detail]

Starts the app the way ``./atlas serve`` does (``python -m api``: uvicorn on 127.0.0.1, a free
port) and drives Debian's Chromium with Playwright (the ``test`` extra), for the map page ``/``
and the zone page ``/zones/wandakai``:

- **cold**: the first load after the server started, in a new browser context: its layers are
  built, ``/health`` answers, no page has been loaded. The responses of the map's first view are
  made at start, before the workers fork (``api.app.make_first_map``, about 50 ms of the start),
  as every ``python -m api`` start does. ``--cold`` loads per page, each on a server started
  for it (one sample swings by a fifth from run to run on this machine);
- **warm, new context**: ``--runs`` more loads on the last of those servers, each in a new browser
  context (empty HTTP cache: what a first visitor sees once the server has served the page);
- **warm, reload**: ``--runs`` loads in one context that has loaded the page before (the
  browser revalidates what it holds: a returning visitor).

Times are milliseconds from the start of navigation (``performance.timeOrigin``):

- *atlas.js* / *Leaflet*: the page's main script has arrived (Resource Timing ``responseEnd``);
- *first API request*: the first request to ``/api/`` leaves (Resource Timing ``startTime``;
  a ``<link rel=preload>`` counts from when the browser issues it). The zone page inlines its
  data and makes none;
- *ready*: map page: the ``atlas-ready`` performance mark (every layer visible at start drawn,
  place names placed); before that mark existed, the time ``data-atlas-ready`` was set. Zone
  page: its ``atlas-ready`` mark (map drawn), else when the last map path was added;
- *complete*: map page: ``body[data-atlas-ready]`` set (every layer loaded, hidden ones too,
  legend and URL state applied); zone page: the load event's end.

Before the first measured load the browser opens two throwaway pages from a throwaway local
server (CJK text, a script, a fetch, an SVG path), so the cold figures are the server's and the
page's, not the browser's own start (its first renderer, font and connections). Rows give the
median and the range over the runs. A benchmark, not a test: nothing here
asserts a time. ``--detail`` prints each ``/api/`` request of the last map load (start, end,
size) to see what the map waits for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {"map": "/", "zone page": "/zones/wandakai"}

#: Installed before any page script: timestamps of DOM events the pages may not mark themselves.
PROBE = """
window.__bench = {};
new MutationObserver(function (records) {
  var now = performance.now();
  records.forEach(function (r) {
    if (r.type === "attributes" && r.attributeName === "data-atlas-ready" && !window.__bench.complete) { window.__bench.complete = now; }
    if (r.type === "childList") {
      r.addedNodes.forEach(function (n) {
        if (n.nodeType === 1 && (n.matches("path.leaflet-interactive") || n.querySelector && n.querySelector("path.leaflet-interactive"))) { window.__bench.lastPath = now; }
      });
    }
  });
}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-atlas-ready"] });
"""

COLLECT = """() => {
  const res = performance.getEntriesByType("resource");
  const api = res.filter(e => new URL(e.name).pathname.startsWith("/api/"));
  const script = res.find(e => /\\/static\\/atlas\\.js/.test(e.name)) || res.find(e => /leaflet\\.js/.test(e.name));
  const mark = performance.getEntriesByName("atlas-ready")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    script: script ? script.responseEnd : null,
    scriptName: script ? new URL(script.name).pathname : null,
    firstApi: api.length ? Math.min(...api.map(e => e.startTime)) : null,
    ready: mark ? mark.startTime : (window.__bench.complete || window.__bench.lastPath || null),
    readySource: mark ? "mark" : "fallback",
    complete: window.__bench.complete || (nav ? nav.loadEventEnd : null),
    docRequest: nav ? nav.requestStart : null,
    docResponse: nav ? nav.responseEnd : null,
    api: api.map(e => ({ url: new URL(e.name).pathname + new URL(e.name).search, start: e.startTime, end: e.responseEnd,
                         bytes: e.transferSize, initiator: e.initiatorType })),
  };
}"""


def server():
    """``python -m api`` on a free port (what ``./atlas serve`` runs), started the way the
    browser tests start it; yields the base URL once /health answers."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.browser.servers import uvicorn_server

    return uvicorn_server(["api"], startup_s=240)


def load(page, url: str, is_map: bool) -> dict:
    """Navigate and wait until the page says it is complete; return its timings."""
    page.goto(url, wait_until="load", timeout=120_000)
    if is_map:
        page.wait_for_selector("body[data-atlas-ready]", state="attached", timeout=120_000)
    else:
        page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=120_000)
        page.wait_for_timeout(200)
    return page.evaluate(COLLECT)


def new_page(browser, errors: list[str]):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(PROBE)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page


#: The throwaway page: CJK text in the pages' font, a script, a fetch and an SVG path, served
#: over HTTP from 127.0.0.1 as the atlas is: what a browser pays once, not once per page.
WARM_UP_PAGE = """<!DOCTYPE html><meta charset="utf-8"><title>warm</title>
<body style="font-family: 'Noto Sans CJK SC', sans-serif">成渝地区双城经济圈 Chengdu–Chongqing
<svg width="20" height="20"><path d="M0 0L9 9" stroke="black"/></svg>
<script>fetch(location.href).then(r => r.text()).then(() => document.body.setAttribute("data-warm", "yes"));</script>"""


def warm_up(browser) -> None:
    """Throwaway pages from a throwaway local server, so the first measured load does not also
    pay for the browser's own start (its first renderer, the CJK font, the network stack)."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = WARM_UP_PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        for _ in range(2):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
            page.wait_for_selector("body[data-warm]", state="attached", timeout=60_000)
            context.close()
    finally:
        httpd.shutdown()


def measure(browser, path: str, runs: int, cold_runs: int) -> tuple[list[dict], list[dict], list[dict], list[str]]:
    """Cold loads (each on a freshly started server), then warm (new context) and warm
    (reload) timings of one page on the last of those servers."""
    is_map = path == "/"
    errors: list[str] = []
    cold = []
    for _ in range(cold_runs - 1):
        with server() as base:
            context, page = new_page(browser, errors)
            cold.append(load(page, base + path, is_map))
            context.close()
    with server() as base:
        context, page = new_page(browser, errors)
        cold.append(load(page, base + path, is_map))
        context.close()
        fresh = []
        for _ in range(runs):
            context, page = new_page(browser, errors)
            fresh.append(load(page, base + path, is_map))
            context.close()
        context, page = new_page(browser, errors)
        load(page, base + path, is_map)
        reload = [load(page, base + path, is_map) for _ in range(runs)]
        context.close()
    return cold, fresh, reload, errors


def cell(values: list[float | None]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:,.0f}"
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def table(results: dict, runs: int) -> str:
    lines = ["| page | load | n | script loaded ms | first API request ms | ready ms | complete ms |", "|---|---|---|---|---|---|---|"]
    for name, (cold, fresh, reload, _) in results.items():
        for label, rows in (("cold", cold), ("warm, new context", fresh), ("warm, reload", reload)):
            lines.append(f"| {name} (`{PAGES[name]}`, {rows[0]['scriptName'] or '—'}) | {label} | {len(rows)} | "
                         + " | ".join(cell([r[k] for r in rows]) for k in ("script", "firstApi", "ready", "complete")) + " |")
    sources = {r["readySource"] for rows in results.values() for r in [*rows[0], *rows[1], *rows[2]]}
    note = "ready = the `atlas-ready` mark" if sources == {"mark"} else "ready: mark where the page sets one, else the fallback (see docstring)"
    return "\n".join(lines) + f"\n\nMedian (range) over the runs (cold: each on a freshly started server); {note}."


def detail(run: dict) -> str:
    lines = ["| request | initiator | start ms | end ms | bytes |", "|---|---|---|---|---|"]
    if run.get("docRequest") is not None:
        lines.append(f"| the page itself | navigation | {run['docRequest']:,.0f} | {run['docResponse']:,.0f} | |")
    for r in sorted(run["api"], key=lambda r: r["start"]):
        lines.append(f"| `{r['url']}` | {r['initiator']} | {r['start']:,.0f} | {r['end']:,.0f} | {r['bytes']:,} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="warm loads per kind (default 5)")
    parser.add_argument("--cold", type=int, default=3, help="cold loads, each on a freshly started server (default 3)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument("--detail", action="store_true", help="list the map's API requests (cold and last warm load)")
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            warm_up(browser)
            for name in args.pages:
                results[name] = measure(browser, PAGES[name], args.runs, max(1, args.cold))
        finally:
            browser.close()
    head = (f"## {dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}, "
            f"Chromium {browser_version()}\n\n`python bench/browser.py --runs {args.runs} --cold {max(1, args.cold)}`\n\n")
    out = head + table(results, args.runs) + "\n"
    errors = sorted({e for r in results.values() for e in r[3]})
    if errors:
        out += "\nConsole errors:\n" + "\n".join(f"- {e}" for e in errors) + "\n"
    if args.detail and "map" in results:
        out += "\nMap page, last cold load, API requests:\n\n" + detail(results["map"][0][-1]) + "\n"
        out += "\nMap page, last warm (new context) load, API requests:\n\n" + detail(results["map"][1][-1]) + "\n"
    print(out)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(out, encoding="utf-8")
    return 0


def browser_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.split()[1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
