"""Headless Chromium against a real uvicorn on 127.0.0.1: the map draws, zones open popups."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers.registry import REGISTRY
from tests.browser.servers import uvicorn_server

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
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    # Offline proof: any request that is not to our server fails the test.
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
    yield pg
    context.close()
    assert not outside, f"page tried to reach the network: {outside}"
    assert not errors, f"JavaScript errors or CSP violations: {errors}"


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
    # Click at the screen position of 高竹新区's centre (a small zone drawn on top).
    point = page.evaluate(
        """() => { const l = AtlasMap.zoneLayers['zone:gaozhu']; AtlasMap.map.fitBounds(l.getBounds(), {animate: false});
                   const p = AtlasMap.map.latLngToContainerPoint(l.getBounds().getCenter());
                   const r = AtlasMap.map.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }"""
    )
    page.mouse.click(point[0], point[1])
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup")
    assert "川渝高竹新区" in popup.inner_text() or popup.get_attribute("data-feature-id").startswith("zone:")
    assert page.inner_text("#atlas-hover")  # county read-out under the cursor


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


def test_year_and_status_filters(page, server):
    page.goto(server + "/")
    page.wait_for_selector("body[data-atlas-ready=yes]", timeout=60_000)
    all_rail = int(page.get_attribute("body", "data-rail-drawn"))
    page.locator("#atlas-year").fill("2030")
    page.wait_for_selector("body[data-filter-year='2030']")
    _settled(page)
    in_2030 = int(page.get_attribute("body", "data-rail-drawn"))
    assert 0 < in_2030 < all_rail
    page.select_option("#atlas-status-filter", "study")
    _settled(page)
    study = int(page.get_attribute("body", "data-rail-drawn"))
    assert 0 < study < in_2030
    page.check("#atlas-cross-filter")
    _settled(page)
    assert int(page.get_attribute("body", "data-rail-drawn")) < study
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
