"""Headless Chromium against a real uvicorn on 127.0.0.1: the map draws, zones open popups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers.registry import REGISTRY
from tests.browser.servers import open_page, uvicorn_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with uvicorn_server(["api"]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run ./atlas test, which installs it with apt-get")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A page that fails the test on any request off the server (offline proof), a JavaScript
    error or a CSP violation."""
    with open_page(browser, server) as pg:
        yield pg


def test_map_draws_zones_and_opens_a_popup(page, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    drawn = int(page.get_attribute("body", "data-zones-drawn"))
    assert drawn >= 12
    assert page.locator("path.leaflet-interactive").count() > 200  # counties + zones as SVG paths
    assert page.locator(".leaflet-control-layers-overlays label").count() == sum(
        1 for d in REGISTRY if d.spec.presentation and d.spec.presentation.in_control)
    assert "合作区" in page.inner_text("#atlas-legend")
    page.screenshot(path=str(ARTIFACTS / "overview.png"))

    page.click('button[data-zone="zone:wandakai"]')
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='zone:wandakai']")
    text = popup.inner_text()
    for expected in ("万达开川渝统筹发展示范区", "万州区", "开州区", "达州市", "24,100 km² documented", "814.8", "2022", "000_997ade5b59c3b5b6.txt"):
        assert expected in text, expected
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "zone-popup.png"))


def test_clicking_a_zone_on_the_map_opens_its_popup(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    fit_zone(page, "zone:gaozhu")
    # A point inside 高竹新区 (from the API's geometry) where nothing is drawn above the zone.
    point = next((p for p in screen_points_inside(page, server, "zone:gaozhu") if topmost_is_zone(page, "zone:gaozhu", p)), None)
    assert point is not None, "no point of 高竹新区 is clickable: something covers all of it"
    page.mouse.click(*point)
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup")
    assert popup.get_attribute("data-feature-id") == "zone:gaozhu"
    assert "川渝高竹新区" in popup.inner_text()
    assert page.inner_text("#atlas-hover")  # county read-out under the cursor


# --- what is drawn, by geometry and by pixels ---------------------------------------------------

def api_geometry(server: str, feature_id: str):
    import httpx
    from shapely.geometry import shape

    return shape(httpx.get(f"{server}/api/features/{feature_id}", timeout=60).json()["geometry"])


def fit_zone(page, zone_id: str) -> None:
    """Zoom the map to a zone, bring it to the top of its pane and let the map settle."""
    page.evaluate(
        """(id) => { const l = AtlasMap.zoneLayers[id]; AtlasMap.map.closePopup();
                     AtlasMap.map.fitBounds(l.getBounds(), {animate: false, padding: [40, 40]}); l.bringToFront(); }""",
        zone_id,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def to_screen(page, lonlats) -> list[tuple[float, float]]:
    """Page pixel positions of lon/lat points, projected by Leaflet (map.latLngToContainerPoint)."""
    return [tuple(p) for p in page.evaluate(
        """(pts) => { const r = AtlasMap.map.getContainer().getBoundingClientRect();
                      return pts.map(([lon, lat]) => { const p = AtlasMap.map.latLngToContainerPoint([lat, lon]);
                                                      return [r.left + p.x, r.top + p.y]; }); }""",
        [list(p) for p in lonlats],
    )]


def screen_points_inside(page, server: str, zone_id: str, n: int = 25) -> list[tuple[float, float]]:
    """Points well inside the zone (a grid over it, 3 px from its edge at this zoom), on screen."""
    import shapely

    geom = api_geometry(server, zone_id)
    west, south, east, north = geom.bounds
    (x0, y0), (x1, y1) = to_screen(page, [(west, north), (east, south)])
    inner = geom.buffer(-3 * (east - west) / max(x1 - x0, 1))
    grid = [shapely.Point(west + (east - west) * (i + 0.5) / n, south + (north - south) * (j + 0.5) / n) for i in range(n) for j in range(n)]
    inside = [p for p in grid if inner.contains(p)]
    inside.sort(key=lambda p: p.distance(inner.representative_point()))  # from its middle out
    return to_screen(page, [(p.x, p.y) for p in inside])


def topmost_is_zone(page, zone_id: str, point) -> bool:
    return page.evaluate("([id, x, y]) => document.elementFromPoint(x, y) === AtlasMap.zoneLayers[id].getElement()",
                         [zone_id, point[0], point[1]])


def test_a_zone_is_drawn_where_its_geometry_is(page, server):
    """The drawn outline's box on screen is the feature's bounds projected by Leaflet."""
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    fit_zone(page, "zone:wandakai")
    west, south, east, north = api_geometry(server, "zone:wandakai").bounds
    (left, top), (right, bottom) = to_screen(page, [(west, north), (east, south)])
    assert right - left > 300 and bottom - top > 200  # the zone fills the view: a pixel is < 0.01°
    box = page.evaluate("(id) => { const b = AtlasMap.zoneLayers[id].getElement().getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }",
                        "zone:wandakai")
    # Within the stroke's half-width and Leaflet's one-pixel path simplification.
    assert box == pytest.approx([left, top, right, bottom], abs=4), (box, (left, top, right, bottom))


def test_a_zone_paints_its_colour_inside_and_nothing_outside(page, server, tmp_path):
    """By pixels: inside the zone the colour is its fill blended over what lies beneath, at its
    opacity; just outside, showing the zone changes nothing."""
    from PIL import Image

    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    zone = "zone:wandakai"
    fit_zone(page, zone)
    style = page.evaluate("(id) => { const o = AtlasMap.zoneLayers[id].options; return [o.fillColor, o.fillOpacity, o.color]; }", zone)
    fill, alpha = style[0], float(style[1])
    assert fill.startswith("#") and len(fill) == 7 and 0.05 <= alpha <= 0.6, style  # a plain translucent fill
    rgb = tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5))
    shown, hidden = tmp_path / "shown.png", tmp_path / "hidden.png"
    page.screenshot(path=str(shown))
    page.evaluate("(id) => AtlasMap.zoneLayers[id].setStyle({fillOpacity: 0, opacity: 0})", zone)
    page.wait_for_timeout(200)
    page.screenshot(path=str(hidden))
    page.evaluate("(id) => AtlasMap.zoneLayers[id].setStyle({fillOpacity: %s, opacity: 1})" % alpha, zone)
    a, b = Image.open(shown).convert("RGB"), Image.open(hidden).convert("RGB")

    inside = screen_points_inside(page, server, zone)[:40]
    assert len(inside) >= 20
    blended = changed = 0
    for x, y in inside:
        over, under = a.getpixel((round(x), round(y))), b.getpixel((round(x), round(y)))
        expected = [(1 - alpha) * u + alpha * f for u, f in zip(under, rgb)]
        blended += all(abs(o - e) <= 6 for o, e in zip(over, expected))
        changed += max(abs(o - u) for o, u in zip(over, under)) >= 8
    # Labels and project symbols above the zone may cover a few points; the rest show its fill.
    assert blended >= 0.75 * len(inside), (blended, len(inside))
    assert changed >= 0.75 * len(inside), (changed, len(inside))

    import shapely

    geom = api_geometry(server, zone)
    west, south, east, north = geom.bounds
    (x0, _), (x1, _) = to_screen(page, [(west, north), (east, south)])
    degree_per_pixel = (east - west) / (x1 - x0)
    ring = geom.buffer(10 * degree_per_pixel).difference(geom.buffer(3 * degree_per_pixel))  # 3–10 px outside its edge
    probes = [shapely.Point(west + (east - west) * i / 80, south + (north - south) * j / 80) for i in range(-2, 83) for j in range(-2, 83)]
    outside = [xy for xy in to_screen(page, [(q.x, q.y) for q in probes if ring.contains(q)]) if 0 <= xy[0] < a.width and 0 <= xy[1] < a.height]
    assert len(outside) >= 50
    # The map may draw the zone simplified for its zoom (a pixel or two off the full outline) and
    # antialiases its edge: a trace of colour is allowed, a fill is not.
    painted = [(x, y) for x, y in outside
               if max(abs(o - u) for o, u in zip(a.getpixel((round(x), round(y))), b.getpixel((round(x), round(y))))) >= 8]
    assert len(painted) <= 0.05 * len(outside), (len(painted), len(outside), painted[:5])


def test_project_layers_toggle_and_open_a_project_popup(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    assert int(page.get_attribute("body", "data-rail-drawn")) > 50
    paths_before = page.locator("path.leaflet-interactive").count()
    rail_toggle = page.locator(".leaflet-control-layers-overlays label", has_text="铁路 Rail").locator("input")
    rail_toggle.uncheck()
    assert page.locator("path.leaflet-interactive").count() < paths_before
    rail_toggle.check()
    assert page.locator("path.leaflet-interactive").count() == paths_before
    hubs_toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Hubs").locator("input")
    assert not hubs_toggle.is_checked()
    hubs_toggle.check()
    assert page.evaluate("AtlasMap.openFeature('rail:chengdu-dazhou-wanzhou-hsr')")
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='rail:chengdu-dazhou-wanzhou-hsr']")
    text = popup.inner_text()
    for expected in ("成都至达州至万州高速铁路", "as of 2023-03-29", "km schematic", "Schematic", "推动川渝万达开地区统筹发展总体方案"):
        assert expected in text, expected
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "project-popup.png"))
    # A zone popup lists the projects touching it.
    page.click('button[data-zone="zone:wandakai"]')
    zone = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='zone:wandakai']")
    assert "涉及项目" in zone.inner_text() and "成都至达州至万州高速铁路" in zone.inner_text()


def test_the_map_draws_display_properties_and_a_popup_fetches_the_whole_feature_once(page, server):
    fetched = []
    page.on("request", lambda r: fetched.append(r.url.split("/api/", 1)[1]) if "/api/features/" in r.url else None)
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    fid = "rail:chengdu-dazhou-wanzhou-hsr"
    drawn = page.evaluate(f"(function () {{ var f = AtlasMap.projects.rail.find(function (f) {{ return f.id === '{fid}'; }});"
                          " return {summary: !!f.summary, keys: Object.keys(f.properties)}; })()")
    assert drawn["summary"] and "sources" not in drawn["keys"] and "status" in drawn["keys"]
    assert not fetched  # nothing fetched per feature before a popup opens
    page.evaluate(f"AtlasMap.openFeature('{fid}')")
    popup = page.wait_for_selector(f".leaflet-popup-content .atlas-popup[data-feature-id='{fid}']")
    assert "推动川渝万达开地区统筹发展总体方案" in popup.inner_text()  # a citation: from the whole feature
    page.evaluate("AtlasMap.map.closePopup()")
    page.evaluate(f"AtlasMap.openFeature('{fid}')")
    page.wait_for_selector(f".leaflet-popup-content .atlas-popup[data-feature-id='{fid}']")
    assert fetched == [f"features/{fid.replace(':', '%3A')}"] or fetched == [f"features/{fid}"]


def test_a_popup_opens_clear_of_the_side_panel(page, server):
    """Popups measure the panels when they open (not when the map binds them): one opened
    where the side panel covers the map is panned clear of it."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    side = page.evaluate("""(function () {
      var rs = Array.prototype.map.call(document.getElementById('atlas-side').children, function (n) { return n.getBoundingClientRect(); })
        .filter(function (r) { return r.width && r.height; });
      return {left: Math.min.apply(null, rs.map(function (r) { return r.left; })), right: Math.max.apply(null, rs.map(function (r) { return r.right; })),
              top: Math.min.apply(null, rs.map(function (r) { return r.top; })), bottom: Math.max.apply(null, rs.map(function (r) { return r.bottom; }))};
    })()""")
    # A zone centred under the panel: open its popup without moving the view first.
    page.evaluate("""(function (side) {
      var map = AtlasMap.map, layer = AtlasMap.zoneLayers['zone:wandakai'];
      var x = (side.left + side.right) / 2 - map.getContainer().getBoundingClientRect().left, y = (side.top + side.bottom) / 2;
      map.panBy(map.latLngToContainerPoint(layer.getBounds().getCenter()).subtract(L.point(x, y)), { animate: false });
      layer.openPopup(layer.getBounds().getCenter());
    })""", side)
    page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='zone:wandakai']")
    page.wait_for_timeout(400)  # the pan into view
    box = page.evaluate("(function () { var r = document.querySelector('.leaflet-popup').getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })()")
    overlaps = box["left"] < side["right"] and side["left"] < box["right"] and box["top"] < side["bottom"] and side["top"] < box["bottom"]
    assert not overlaps, (box, side)


def test_choosing_a_plan_draws_its_layout_labelled(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    page.select_option("#atlas-plan", "wdk_plan")
    page.wait_for_selector("body[data-layout-plan=wdk_plan]")
    assert int(page.get_attribute("body", "data-layout-drawn")) >= 5
    assert page.evaluate("!AtlasMap.map.hasLayer(AtlasMap.groups.rail) && AtlasMap.map.hasLayer(AtlasMap.groups.rivers)")
    labels = page.locator(".atlas-layout-label").all_inner_texts()
    assert "经济发展主轴" in labels and any("组团" in t for t in labels)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "layout-wandakai.png"))
    page.select_option("#atlas-plan", "cnyx_plan")
    page.wait_for_selector("body[data-layout-plan=cnyx_plan]")
    # Leaflet fades the previous plan's labels out before removing them.
    page.wait_for_function("() => ![...document.querySelectorAll('.atlas-layout-label')].some(e => e.textContent === '经济发展主轴')")
    labels = page.locator(".atlas-layout-label").all_inner_texts()
    assert "经济发展主轴" not in labels and len(labels) >= 6
    page.select_option("#atlas-plan", "")
    assert page.evaluate("AtlasMap.map.hasLayer(AtlasMap.groups.rail)")


def test_api_docs_render_offline_under_the_csp(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert page.locator(".opblock").count() > 10


def test_zooming_in_fetches_finer_boundaries(page, server):
    requested = []
    page.on("request", lambda r: requested.append(r.url) if "/api/layers/counties" in r.url else None)
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    assert any("zoom=7" in u for u in requested)
    page.evaluate("AtlasMap.map.setView([29.56, 106.55], 10, {animate: false})")
    page.wait_for_selector("body[data-base-level='11']", timeout=30_000)
    assert any("zoom=11" in u for u in requested)


def test_search_by_pinyin_zooms_to_the_result_and_opens_its_popup(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    page.fill("#atlas-search", "chengdawan")
    page.wait_for_selector("#atlas-results li[data-id='rail:chengdu-dazhou-wanzhou-hsr']")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-chosen='rail:chengdu-dazhou-wanzhou-hsr']")
    assert "成都至达州至万州高速铁路" in page.inner_text(".leaflet-popup-content")
    page.fill("#atlas-search", "Wanzhou District")
    page.wait_for_selector("#atlas-results li[data-id='region:500101']")
    page.click("#atlas-results li[data-id='region:500101']")
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='region:500101']")
    assert "500101" in popup.inner_text() and "万州区" in popup.inner_text()
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "search-result.png"))


def test_locate_by_adcode(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    page.fill("#atlas-adcode", "511702")
    page.press("#atlas-adcode", "Enter")
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='region:511702']")
    assert "通川区" in popup.inner_text()
    page.fill("#atlas-adcode", "12")
    page.press("#atlas-adcode", "Enter")
    assert "six digits" in page.inner_text("#atlas-status")


def _settled(page):
    """Wait until the map's filtered layers have come back from the server."""
    page.wait_for_selector("body[data-filter-pending='']")


def located(server: str, layer: str, params: dict) -> int:
    """How many features with geometry the API selects: what the map must draw."""
    import httpx

    features = httpx.get(f"{server}/api/layers/{layer}", params=params, timeout=60).json()["features"]
    return sum(1 for f in features if f["geometry"])


def test_year_and_status_filters(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    all_rail = int(page.get_attribute("body", "data-rail-drawn"))
    assert all_rail == located(server, "rail", {})
    page.locator("#atlas-year").fill("2030")
    page.wait_for_selector("body[data-filter-year='2030']")
    _settled(page)
    in_2030 = int(page.get_attribute("body", "data-rail-drawn"))
    assert in_2030 == located(server, "rail", {"year": 2030}) and 0 < in_2030 < all_rail
    page.select_option("#atlas-status-filter", "study")
    page.wait_for_function("() => AtlasMap.filters.status === 'study'")
    _settled(page)
    study = int(page.get_attribute("body", "data-rail-drawn"))
    assert study == located(server, "rail", {"year": 2030, "status": "study"}) and 0 < study < in_2030
    page.check("#atlas-cross-filter")
    page.wait_for_function("() => AtlasMap.filters.crossBorder === true")
    _settled(page)
    crossing = int(page.get_attribute("body", "data-rail-drawn"))
    assert crossing == located(server, "rail", {"year": 2030, "status": "study", "cross_border": "true"}) and crossing < study
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / "filtered-2030.png"))
    page.uncheck("#atlas-cross-filter")
    page.select_option("#atlas-status-filter", "")
    page.locator("#atlas-year").fill("2019")
    page.wait_for_selector("body[data-filter-year='']")
    _settled(page)
    assert int(page.get_attribute("body", "data-rail-drawn")) == all_rail


@pytest.mark.parametrize("year", [2021, 2025, 2030, 2035])
def test_map_api_and_ogc_agree_on_a_year(page, server, year):
    """One time filter: the map draws what /api selects, and /api and /ogc match the same features."""
    import json
    import urllib.request

    def get(path):
        with urllib.request.urlopen(server + path) as r:
            return json.loads(r.read())

    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    page.locator("#atlas-year").fill(str(year))
    page.wait_for_selector(f"body[data-filter-year='{year}']")
    _settled(page)
    for layer in ("rail", "highways", "ports"):
        api = get(f"/api/layers/{layer}?year={year}")
        ogc = get(f"/ogc/collections/{layer}/items?datetime={year}&limit=1000")
        assert api["numberMatched"] == ogc["numberMatched"] > 0
        assert {f["id"] for f in api["features"]} == {f["id"] for f in ogc["features"]}
        located = sum(1 for f in api["features"] if f["geometry"])
        assert int(page.get_attribute("body", f"data-{layer}-drawn")) == located


def test_zone_focus_page_and_its_offline_export(page, server, tmp_path):
    page.goto(server + "/zones/zone:wandakai")
    page.wait_for_selector("path.leaflet-interactive", timeout=30_000)
    assert page.locator("path.leaflet-interactive").count() >= 3  # members and the zone outline
    text = page.inner_text("main")
    for expected in ("万达开川渝统筹发展示范区", "24,100 km² documented", "814.8", "面积按省 Area by province", "涉及项目", "成都至达州至万州高速铁路", "000_997ade5b59c3b5b6.txt"):
        assert expected in text, expected
    assert page.locator("svg[aria-label='bar chart'] rect").count() == 2
    assert page.input_value("#share").endswith("/zones/zone:wandakai")
    page.screenshot(path=str(ARTIFACTS / "zone-page.png"), full_page=True)
    # The export is one file that works from disk with the network off.
    import httpx

    exported = tmp_path / "zone.html"
    exported.write_bytes(httpx.get(server + "/zones/zone:wandakai/export", timeout=60).content)
    offline = page.context.new_page()
    offline.goto(exported.as_uri())
    offline.wait_for_selector("path.leaflet-interactive", timeout=30_000)
    assert "万达开川渝统筹发展示范区" in offline.inner_text("h1")
    offline.close()


def test_minimap_measure_and_language_switch(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    assert page.locator("#atlas-minimap path").count() >= 3  # provinces and the view rectangle
    page.click("#atlas-measure")
    box = page.locator("#map, .folium-map").first.bounding_box()
    page.mouse.click(box["x"] + 700, box["y"] + 400)
    page.mouse.click(box["x"] + 900, box["y"] + 400)
    km = float(page.get_attribute("body", "data-measure-km"))
    assert 50 < km < 400  # 200 px at zoom 7 is about 160 km
    page.click("#atlas-measure")
    page.click("#atlas-lang")  # both → 中文
    legend = page.inner_text("#atlas-legend")
    assert "图例" in legend and "Legend" not in legend
    page.click("#atlas-lang")  # → English
    legend = page.inner_text("#atlas-legend")
    assert "Legend" in legend and "图例" not in legend and "Filter projects" in legend and "筛选项目" not in legend
    assert "Search" in page.get_attribute("#atlas-search", "placeholder")
    page.screenshot(path=str(ARTIFACTS / "english-ui.png"))
    page.click("#atlas-lang")  # → both again
    assert "图例" in page.inner_text("#atlas-legend") and "Legend" in page.inner_text("#atlas-legend")
