"""Headless Chromium: place labels without overlaps, plan views as figures, permalinks, export,
the frame at laptop and phone sizes, the existing-network filter and where lines leave the frame.

Expected values come from the API (the layers the map draws), never from the map script.
"""

from __future__ import annotations

import re
import struct
from collections import Counter

import httpx
import pytest

from tests.browser.servers import open_page
from tests.browser.test_map import ARTIFACTS, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

READY = "body[data-atlas-ready=yes]"


@pytest.fixture
def page(browser, server):  # noqa: F811
    with open_page(browser, server) as pg:
        yield pg


@pytest.fixture(scope="module")
def api(server):  # noqa: F811
    cache: dict[str, dict] = {}

    def get(path: str) -> dict:
        if path not in cache:
            cache[path] = httpx.get(server + path, timeout=60).json()
        return cache[path]

    return get


LABEL_BOXES = """() => [...document.querySelectorAll('.atlas-label')].map(e => {
    const r = e.getBoundingClientRect();
    return {text: e.innerText, cls: e.className, x: r.left, y: r.top, w: r.width, h: r.height};
})"""


def _overlapping(boxes):
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > 0.5 and dy > 0.5:
                pairs.append((a["text"], b["text"]))
    return pairs


def _labels_at(page, lat, lon, zoom):
    page.evaluate(f"AtlasMap.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_selector(f"body[data-labels-zoom='{zoom}']")
    page.wait_for_timeout(400)  # a finer river network may arrive and re-place the labels
    return page.evaluate(LABEL_BOXES)


def test_place_labels_exist_and_do_not_overlap_at_three_zooms(page, server, api):  # noqa: F811
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    ranked = [f for f in api("/api/layers/places")["features"] if f["properties"].get("label_rank")]
    views = [(30.2, 105.6, 7, "atlas-label-r1"), (30.0, 106.3, 9, "atlas-label-r2"), (29.6, 106.6, 11, "atlas-label-r3")]
    for lat, lon, zoom, rank_class in views:
        boxes = _labels_at(page, lat, lon, zoom)
        assert len(boxes) >= 8, (zoom, boxes)
        assert not _overlapping(boxes), (zoom, _overlapping(boxes))
        bounds = page.evaluate("(() => { const b = AtlasMap.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
        rank = int(rank_class[-1])
        in_view = [f for f in ranked if f["properties"]["label_rank"] == rank
                   and bounds[0] < f["geometry"]["coordinates"][0] < bounds[2] and bounds[1] < f["geometry"]["coordinates"][1] < bounds[3]]
        if ranked and in_view:  # the gazetteer ranks its places: this zoom shows its rank
            assert any(rank_class in b["cls"] for b in boxes), (zoom, rank_class)
        if zoom == 7:
            assert any("atlas-label-river" in b["cls"] for b in boxes), "no river is named"
            assert not any("atlas-label-r2" in b["cls"] or "atlas-label-r3" in b["cls"] for b in boxes)
        page.screenshot(path=str(ARTIFACTS / f"labels-z{zoom}.png"))
    # English adds the English names under the Chinese ones.
    page.click("#atlas-lang")
    page.click("#atlas-lang")
    page.wait_for_function("() => [...document.querySelectorAll('.atlas-label-place .atlas-label-sub')].some(e => /[A-Za-z]/.test(e.textContent))")
    boxes = page.evaluate(LABEL_BOXES)
    assert not _overlapping(boxes)


def test_each_plan_view_shows_its_formula_counted_by_element_type(page, server, api):  # noqa: F811
    layout = api("/api/layers/layout")["features"]
    plans: dict[str, list[dict]] = {}
    for f in layout:
        plans.setdefault(f["properties"]["plan"], []).append(f)
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    for plan, features in plans.items():
        page.select_option("#atlas-plan", plan)
        page.wait_for_selector(f"body[data-layout-plan='{plan}']")
        legend = page.locator("#atlas-plan-legend")
        assert legend.is_visible()
        expected = Counter(f["properties"]["element_type"] for f in features)
        drawn = Counter(f["properties"]["element_type"] for f in features if f["geometry"])
        rows = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#atlas-plan-legend .atlas-plan-type')]
            .map(b => [b.dataset.type, {count: +b.dataset.count, drawn: +b.dataset.drawn, text: b.innerText}]))""")
        assert {t: r["count"] for t, r in rows.items()} == dict(expected), plan
        assert {t: r["drawn"] for t, r in rows.items() if r["drawn"]} == dict(drawn), plan
        # The count is the formula's; elements the plan names elsewhere are counted apart (†).
        has_formula = any(f["properties"]["in_formula"] for f in features)
        apart = Counter(f["properties"]["element_type"] for f in features if has_formula and f["properties"]["in_formula"] is False)
        for t, r in rows.items():
            in_formula = expected[t] - apart[t]
            count = f"{apart[t]} †" if not in_formula else f"× {in_formula}" + (f" + {apart[t]} †" if apart[t] else "")
            assert count in r["text"] and ("†" in r["text"]) == bool(apart[t]), (plan, t, r["text"])
        # The figure draws every drawable element once, in its type's class.
        shapes = page.evaluate("""() => { const c = {}; document.querySelectorAll('.leaflet-atlasPlan-pane .atlas-el')
            .forEach(e => { const t = [...e.classList].find(k => k.startsWith('atlas-el-')).slice(9); c[t] = (c[t] || 0) + 1; }); return c; }""")
        assert shapes == dict(drawn), plan
        # The title is the plan and its formula; every element is listed with its definition.
        p0 = features[0]["properties"]
        assert p0["plan_title_zh"] in legend.inner_text()
        formula = p0.get("formula_zh")
        if formula:
            shown = page.inner_text("#atlas-plan-legend .atlas-formula")
            assert re.sub(r"[\s·、，,]", "", shown) == re.sub(r"[\s·、，,]", "", formula), (plan, shown)
        items = page.locator("#atlas-plan-elements > li")
        assert items.count() == len(features)
        quotes = page.locator("#atlas-plan-elements q").all_inner_texts()
        assert sorted(quotes) == sorted(f["properties"]["definition"] for f in features)
        # Zones and projects step aside; the counties dim.
        assert page.evaluate("!AtlasMap.map.hasLayer(AtlasMap.groups.zones) && AtlasMap.map.hasLayer(AtlasMap.groups.rivers)")
        assert page.evaluate("getComputedStyle(document.querySelector('.leaflet-atlasCounties-pane')).opacity") != "1"
        labels = page.locator(".atlas-layout-label").all_inner_texts()
        assert labels, plan
        assert not _overlapping(page.evaluate(LABEL_BOXES)), plan
    # A type can be hidden from its legend row, and the view cleared.
    page.select_option("#atlas-plan", "wdk_plan")
    page.wait_for_selector("body[data-layout-plan='wdk_plan']")
    page.click("#atlas-plan-legend .atlas-plan-type[data-type=cluster]")
    assert page.locator(".leaflet-atlasPlan-pane .atlas-el-cluster").count() == 0
    page.select_option("#atlas-plan", "")
    assert page.locator("#atlas-plan-legend").is_hidden()
    assert page.evaluate("AtlasMap.map.hasLayer(AtlasMap.groups.zones)")


STATE = """() => {
  const m = AtlasMap.map, c = m.getCenter(), q = id => document.querySelector(id);
  const open = document.querySelector('.leaflet-popup-content [data-feature-id]');
  return {
    zoom: m.getZoom(), lat: +c.lat.toFixed(3), lng: +c.lng.toFixed(3),
    on_map: Object.keys(AtlasMap.groups).filter(k => m.hasLayer(AtlasMap.groups[k])).sort(),
    set_aside: (AtlasMap.hidden || []).slice().sort(),
    checked: [...document.querySelectorAll('.leaflet-control-layers-overlays input')].map(i => i.checked),
    filters: Object.assign({}, AtlasMap.filters),
    controls: [q('#atlas-status-filter').value, q('#atlas-province-filter').value, q('#atlas-cross-filter').checked,
               q('#atlas-year').value, q('#atlas-facility-filter').value, q('#atlas-plan').value],
    plan: AtlasMap.plan, popup: open ? open.dataset.featureId : null,
    lang: document.body.dataset.lang || 'both', legend_shown: !q('#atlas-plan-legend').hidden,
  };
}"""


def _settled(page):
    page.wait_for_selector("body[data-filter-pending='']")
    page.wait_for_timeout(400)


def test_a_permalink_round_trips_every_state_item(browser, server):  # noqa: F811
    with open_page(browser, server) as page:
        page.goto(server + "/")
        page.wait_for_selector(READY, timeout=60_000)
        assert page.evaluate("location.hash").startswith("#map=")
        # Change every item: layers, filters, year, existing/works, plan, view, selection, language.
        page.locator(".leaflet-control-layers-overlays label[data-layer=hubs] input").check()
        page.locator(".leaflet-control-layers-overlays label[data-layer=network] input").uncheck()
        page.select_option("#atlas-status-filter", "under_construction")
        page.select_option("#atlas-province-filter", "sichuan")
        page.check("#atlas-cross-filter")
        page.locator("#atlas-year").fill("2030")
        page.select_option("#atlas-facility-filter", "new")
        _settled(page)
        page.select_option("#atlas-plan", "wdk_plan")
        page.wait_for_selector("body[data-layout-plan='wdk_plan']")
        page.evaluate("AtlasMap.map.setView([31.2, 107.9], 9, {animate: false})")
        page.evaluate("AtlasMap.openFeature('layout:wandakai-axis-wanda', {keepView: true})")
        page.click("#atlas-lang")
        page.click("#atlas-lang")  # → English
        page.wait_for_timeout(500)
        link = page.evaluate("location.href")
        for item in ("map=9/31.2000/107.9000", "hubs", "status=under_construction", "province=sichuan", "cross=1",
                     "year=2030", "facility=new", "plan=wdk_plan", "sel=layout:wandakai-axis-wanda", "lang=en"):
            assert item in link, item
        assert "network" not in link.split("layers=")[1].split("&")[0]
        before = page.evaluate(STATE)
        assert before["popup"] == "layout:wandakai-axis-wanda" and before["plan"] == "wdk_plan"

        # The copied link reopens the same map.
        again = page.context.new_page()
        again.goto(link)
        again.wait_for_selector(READY, timeout=60_000)
        _settled(again)
        after = again.evaluate(STATE)
        assert after == before
        assert again.evaluate("location.href") == link
        again.screenshot(path=str(ARTIFACTS / "permalink-reopened.png"))

        # Back and forward step through changes.
        again.select_option("#atlas-plan", "cnyx_plan")
        again.wait_for_selector("body[data-layout-plan='cnyx_plan']")
        again.wait_for_timeout(400)
        again.go_back()
        again.wait_for_selector("body[data-layout-plan='wdk_plan']")
        again.wait_for_timeout(300)
        assert again.evaluate(STATE)["zoom"] == 9
        again.go_forward()
        again.wait_for_selector("body[data-layout-plan='cnyx_plan']")
        again.select_option("#atlas-plan", "")
        again.wait_for_selector("body[data-layout-plan='']")
        again.wait_for_function("() => !location.hash.includes('plan=')")
        # With no plan, the layers set aside are back, and a project can be the selection.
        assert again.evaluate("AtlasMap.map.hasLayer(AtlasMap.groups.hubs) && !AtlasMap.map.hasLayer(AtlasMap.groups.network)")
        again.close()

    with open_page(browser, server) as page:
        page.goto(server + "/#map=8/30.6000/106.5000&layers=provinces,counties,rivers,rail&sel=rail:chengdu-dazhou-wanzhou-hsr")
        page.wait_for_selector(READY, timeout=60_000)
        page.wait_for_selector(".leaflet-popup-content [data-feature-id='rail:chengdu-dazhou-wanzhou-hsr']")
        state = page.evaluate(STATE)
        assert state["zoom"] == 8 and (state["lat"], state["lng"]) == (30.6, 106.5)
        assert state["on_map"] == ["counties", "layout", "provinces", "rail", "rivers"]  # layout: the plan views' group
        page.evaluate("AtlasMap.map.closePopup()")
        page.wait_for_timeout(400)
        assert "sel=" not in page.evaluate("location.hash")
        page.go_back()
        page.wait_for_selector(".leaflet-popup-content [data-feature-id='rail:chengdu-dazhou-wanzhou-hsr']")


def test_the_zone_pages_focus_link_still_opens_the_zone(page, server):  # noqa: F811
    page.goto(server + "/#focus=zone:wandakai")
    page.wait_for_selector(READY, timeout=60_000)
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup[data-feature-id='zone:wandakai']")
    assert "万达开" in popup.inner_text()
    assert page.get_attribute("body", "data-focus") == "zone:wandakai"
    page.wait_for_function("() => location.hash.includes('sel=zone:wandakai') && location.hash.includes('map=')")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_export_png_and_print_to_pdf_offline(page, server, tmp_path):  # noqa: F811
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    page.select_option("#atlas-plan", "wdk_plan")
    page.wait_for_selector("body[data-layout-plan='wdk_plan']")
    with page.expect_download() as download:
        page.click("#atlas-export")
    path = tmp_path / "view.png"
    download.value.save_as(path)
    data = path.read_bytes()
    width, height = _png_size(data)
    assert len(data) > 100_000, len(data)  # a drawn map, not a blank canvas
    assert width >= 1400 and height >= 900
    assert download.value.suggested_filename.endswith(".png")
    (ARTIFACTS / "export-wdk.png").write_bytes(data)
    # The image is the map: its pixels are not one colour.
    colours = page.evaluate("""async () => {
        const blob = await AtlasMap.exportPng(), img = await createImageBitmap(blob);
        const c = new OffscreenCanvas(img.width, img.height), ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, img.width, img.height).data, seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
        return seen.size; }""")
    assert colours > 50
    # Printing prints that image, with the sources named.
    page.evaluate("AtlasMap.preparePrint()")
    page.wait_for_function("() => document.getElementById('atlas-print-image').complete && document.body.classList.contains('atlas-print-image')")
    sources = page.inner_text("#atlas-print-sources")
    assert "推动川渝万达开地区统筹发展总体方案" in sources and "Tianditu" in sources and "GSHHG" in sources
    pdf = page.pdf(landscape=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000


PANELS = "#atlas-title, #atlas-legend, #atlas-plan-legend, #atlas-minimap, .leaflet-control-zoom, .leaflet-control-scale, .leaflet-control-attribution"


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_frame_fits_without_overlap_and_is_keyboard_reachable(browser, server, width, height):  # noqa: F811
    with open_page(browser, server, width, height) as page:
        page.goto(server + "/")
        page.wait_for_selector(READY, timeout=60_000)
        for plan in ("", "wdk_plan"):
            if plan:
                page.select_option("#atlas-plan", plan) if page.locator("#atlas-plan").is_visible() else page.evaluate(f"AtlasMap.showPlan('{plan}')")
                page.wait_for_selector(f"body[data-layout-plan='{plan}']")
            boxes = page.evaluate(f"""() => [...document.querySelectorAll("{PANELS}")].filter(e => !e.hidden && e.offsetParent)
                .map(e => {{ const r = e.getBoundingClientRect(); return {{text: e.id || e.className, x: r.left, y: r.top, w: r.width, h: r.height}}; }})
                .filter(b => b.w && b.h)""")
            for b in boxes:
                assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["w"] <= width + 0.5 and b["y"] + b["h"] <= height + 0.5, b
            assert not _overlapping(boxes), _overlapping(boxes)
            page.screenshot(path=str(ARTIFACTS / f"frame-{width}x{height}{'-' + plan if plan else ''}.png"))
        # The panels fold and unfold from the keyboard.
        summary = page.locator("#atlas-zone-panel > summary")
        was_open = page.evaluate("document.getElementById('atlas-zone-panel').open")
        summary.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("document.getElementById('atlas-zone-panel').open") is not was_open
        # Tab reaches the tools.
        page.locator("#atlas-search").focus()
        reached = set()
        for _ in range(12):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("document.activeElement.id"))
        assert {"atlas-export", "atlas-print", "atlas-link"} <= reached


def test_existing_network_or_works_filter_asks_the_server(page, server):  # noqa: F811
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/layers/rail" in r.url else None)
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    page.select_option("#atlas-facility-filter", "existing")
    _settled(page)
    assert any("facility_status=existing" in u for u in asked)
    page.select_option("#atlas-facility-filter", "new")
    _settled(page)
    assert any("facility_status=new" in u for u in asked)


def test_facilities_and_works_are_drawn_apart(page, server, api):  # noqa: F811
    airports = api("/api/layers/airports")["features"]
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    rings = [f for f in airports if f["properties"].get("facility_status") == "existing" and f["properties"].get("works_status") and f["geometry"]]
    solid = [f for f in airports if f["properties"].get("facility_status") == "existing" and not f["properties"].get("works_status") and f["geometry"]]
    drawn = page.evaluate("""() => Object.fromEntries(AtlasMap.drawnProjects.airports.map(f => {
        const l = AtlasMap.featureLayers[f.id]; return [f.id, l.getLayers ? l.getLayers().length : 1]; }))""")
    for f in rings:
        assert drawn[f["id"]] == 2, f["id"]  # the facility's symbol and the ring of its works
    for f in solid:
        assert drawn[f["id"]] == 1, f["id"]
    page.evaluate(f"AtlasMap.openFeature('{(rings or solid)[0]['id']}')")
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup")
    assert "截至 as of" in popup.inner_text()


def test_indicative_zones_are_hatched_and_lines_leaving_the_frame_say_where_to(page, server, api):  # noqa: F811
    zones = api("/api/layers/zones")["features"]
    page.goto(server + "/")
    page.wait_for_selector(READY, timeout=60_000)
    indicative = [f for f in zones if f["properties"]["geometry_quality"] == "indicative"]
    if indicative:
        assert page.locator("path[fill^='url(#atlas-hatch']").count() >= len(indicative)
        assert "示意范围" in page.inner_text("#atlas-legend")
    exits = [(f, x) for layer in ("rail", "highways") for f in api(f"/api/layers/{layer}")["features"] for x in (f["properties"].get("exits") or [])]
    if not exits:
        pytest.skip("no line leaves the frame in the data")
    feature, first = exits[0]
    page.evaluate(f"AtlasMap.map.setView([{first['lat']}, {first['lon']}], 7, {{animate: false}})")
    page.wait_for_function(f"() => [...document.querySelectorAll('.atlas-label-exit')].some(e => e.textContent.includes({first['toward_zh']!r}))")
