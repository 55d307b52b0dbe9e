"""Headless Chromium: how the map starts. The layers shown at start are preloaded by the page and
fetched by the script through exactly those requests (one request per layer, none twice), the
hidden layers follow once the first view is drawn, the page says when it is ready, and nothing
is logged as an error or an unused preload. No timing is asserted (bench/browser.py measures).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from api.mapview import detail_level
from api.settings import Settings
from layers.registry import REGISTRY
from tests.browser.servers import open_page
from tests.browser.test_map import browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

#: Chromium's console warning for a preloaded response nobody used.
UNUSED_PRELOAD = re.compile(r"preloaded using link preload but not used", re.I)


def _drawn_layers() -> dict[str, object]:
    return {d.spec.id: d.spec.presentation for d in REGISTRY if d.spec.presentation}


@pytest.mark.parametrize("fragment", ["", "#map=9/29.6/106.5"], ids=["start-view", "view-from-url"])
def test_start_layers_are_preloaded_and_fetched_once(browser, server, fragment):  # noqa: F811
    # Shown at start: visible and in the layer control (the layout draws a plan once one is chosen).
    shown = {lid for lid, p in _drawn_layers().items() if p.visible and p.in_control}
    hidden = set(_drawn_layers()) - shown
    with open_page(browser, server) as page:
        requests: list[str] = []
        console: list[tuple[str, str]] = []
        failed: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(server + "/" + fragment)
        page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
        preloads = page.eval_on_selector_all(
            "link[rel=preload]", "ls => ls.map(l => ({href: l.href, as: l.getAttribute('as'), cors: l.crossOrigin}))")
        config = page.evaluate("AtlasMap.config.preload")
        timing = page.evaluate("""() => performance.getEntriesByType('resource')
            .filter(e => new URL(e.name).pathname.startsWith('/api/'))
            .map(e => ({url: e.name, initiator: e.initiatorType, start: e.startTime, end: e.responseEnd}))""")
        ready = page.evaluate("[window.atlasReady, performance.getEntriesByName('atlas-ready').length, document.body.dataset.atlasView]")
        # Chromium reports an unused preload about three seconds after the load event.
        page.wait_for_timeout(3500)

    # The page preloads the layers the specs show at start and the label layer, as fetches
    # with CORS (what fetch() asks for), and hands the script the same URLs.
    level = detail_level(Settings().default_map_zoom)
    expected = {f"{server}/api/layers/{lid}" + (f"?zoom={level}" if _drawn_layers()[lid].zoomed else "") for lid in shown}
    expected.add(f"{server}/api/layers/places?zoom={level}")  # the gazetteer's display properties carry the rank
    assert {p["href"] for p in preloads} == expected
    assert all(p["as"] == "fetch" and p["cors"] == "anonymous" for p in preloads)
    assert {server + u for u in [*config["layers"].values(), *config["labels"].values()]} == expected

    # Each preloaded URL went out once: the script's fetch took the preloaded response.
    counts = Counter(requests)
    assert {u: counts[u] for u in expected} == dict.fromkeys(expected, 1), counts
    assert not [t for t in timing if t["url"] in expected and t["initiator"] != "link"], timing

    # Each layer was asked for once (at the view's level where the URL gives another zoom).
    per_layer = Counter(urlsplit(u).path.removeprefix("/api/layers/") for u in requests if urlsplit(u).path.startswith("/api/layers/"))
    assert set(per_layer) == set(_drawn_layers()) | {"places"}
    assert all(n == 1 for lid, n in per_layer.items() if lid not in shown or not fragment or not _drawn_layers()[lid].zoomed), per_layer
    if fragment:  # the zoomed layers: the preload (taken, unused) and the view's level
        zoomed = {lid for lid in shown if _drawn_layers()[lid].zoomed}
        assert {lid: per_layer[lid] for lid in zoomed} == dict.fromkeys(zoomed, 2)
        assert all(f"{server}/api/layers/{lid}?zoom=9" in counts for lid in zoomed)

    # Hidden layers are fetched by the script once the first view is in, never preloaded.
    visible_end = max(t["end"] for t in timing if t["url"] in expected)
    later = [t for t in timing if urlsplit(t["url"]).path.removeprefix("/api/layers/") in hidden]
    assert len(later) == len(hidden) and all(t["initiator"] == "fetch" and t["start"] >= visible_end for t in later), later

    # The ready signal, no errors, no failed request, no preload left unused.
    assert isinstance(ready[0], (int, float)) and ready[1] == 1 and ready[2] == "ready"
    assert not [t for t in console if t[0] == "error"], console
    assert not [t for t in console if UNUSED_PRELOAD.search(t[1])], console
    assert not failed, failed


def test_the_map_still_draws_and_labels_once_ready(browser, server):  # noqa: F811
    """At the ready signal the visible layers are drawn and the place names are placed."""
    with open_page(browser, server) as page:
        page.goto(server + "/")
        page.wait_for_selector("body[data-atlas-view=ready]", timeout=60_000)
        assert int(page.get_attribute("body", "data-zones-drawn")) >= 12
        assert int(page.get_attribute("body", "data-rail-drawn")) > 50
        assert int(page.get_attribute("body", "data-labels")) > 10
        assert page.locator("path.leaflet-interactive").count() > 200
        page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)


def test_html_pages_declare_their_icon_and_it_loads(browser, server):  # noqa: F811
    """The map, a zone page (by its short id) and the OGC pages name their icon; the browser
    loads every page's icon and /favicon.ico without an error."""
    for path in ("/", "/zones/wandakai", "/ogc?f=html", "/docs"):
        with open_page(browser, server) as page:
            console: list[tuple[str, str]] = []
            failed: list[str] = []
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(server + path, wait_until="load")
            icons = page.eval_on_selector_all("link[rel~=icon]", "ls => ls.map(l => l.href)")
            assert icons, path
            for href in icons:
                r = page.request.get(href)
                assert r.status == 200 and r.headers["content-type"].startswith("image/"), (path, href)
            assert not [t for t in console if t[0] == "error"], (path, console)
            assert not failed, (path, failed)
    with open_page(browser, server) as page:
        page.goto(server + "/zones/wandakai")
        assert page.evaluate("performance.getEntriesByName('atlas-ready').length") == 1
        assert page.input_value("#share").endswith("/zones/zone:wandakai")  # the short id's page is the zone's page


#: Redraws every path on the map with the methods in ``stock`` (or the page's own when null) and
#: returns each path's ``d`` attribute, keyed by its layer's Leaflet id.
PATHS_WITH = """(stock) => {
  const A = window.AtlasMap, saved = {};
  const protos = { polyline: L.Polyline.prototype, polygon: L.Polygon.prototype };
  if (stock) {
    for (const [cls, methods] of Object.entries(stock === true ? A.leafletStock : {})) {
      saved[cls] = {};
      for (const [name, fn] of Object.entries(methods)) { saved[cls][name] = protos[cls][name]; protos[cls][name] = fn; }
    }
  }
  const out = {};
  try {
    A.map.eachLayer(layer => {
      if (layer instanceof L.Polyline && layer._path) {
        layer._project(); layer._update();
        out[L.stamp(layer)] = layer._path.getAttribute("d");
      }
    });
  } finally {
    for (const [cls, methods] of Object.entries(saved)) {
      for (const [name, fn] of Object.entries(methods)) { protos[cls][name] = fn; }
    }
  }
  return out;
}"""


@pytest.mark.parametrize("fragment", ["", "#map=10/30.6/104.1"], ids=["start-view", "zoomed-in"])
def test_the_maps_faster_projection_and_clipping_draw_what_leaflets_own_draw(browser, server, fragment):  # noqa: F811
    # atlas.js replaces Leaflet's per-vertex projection and its clipping of paths wholly in view
    # (see "Leaflet's per-vertex work" there): every path must come out byte for byte as
    # Leaflet's own methods draw it, in the start view and zoomed in, where paths are clipped.
    with open_page(browser, server) as page:
        page.goto(server + "/" + fragment)
        page.wait_for_selector("body[data-atlas-ready]", state="attached", timeout=60_000)
        ours = page.evaluate(PATHS_WITH, None)
        leaflets = page.evaluate(PATHS_WITH, True)
        again = page.evaluate(PATHS_WITH, None)
        # Paths reaching past the renderer's bounds: Leaflet's clipping is the one that ran.
        partly_out = page.evaluate("""() => { let n = 0; AtlasMap.map.eachLayer(l => {
          if (l instanceof L.Polyline && l._path && l._pxBounds && !l._renderer._bounds.contains(l._pxBounds)) { n += 1; } }); return n; }""")
    if fragment:
        assert partly_out > 20
    assert len(ours) > 400
    assert sum(d != "M0 0" for d in ours.values()) > (50 if fragment else 300)  # "M0 0": wholly out of view
    assert ours == leaflets
    assert again == ours  # the stock methods were put back
