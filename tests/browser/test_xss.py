"""No text from the data runs as script: payloads in names, members, notes and quotes stay text."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.servers import uvicorn_server
from tests.browser.test_map import ARTIFACTS, CHROMIUM, FLAGS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def xss_server():
    with uvicorn_server(["uvicorn", "--factory", "tests.fixtures.xss_app:create"]) as base:
        yield base


def test_payloads_never_execute(xss_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(xss_server + "/")
        page.wait_for_selector("body[data-zones-drawn]", timeout=60_000)
        page.locator("#atlas-legend button[data-zone]").first.click()
        popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup")
        assert "<script>" in popup.inner_text()  # shown as text
        page.mouse.move(700, 450)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "xss-popup.png"))
        assert page.evaluate("window.__xss") is None
        for url in ("/ogc/collections/zones/items?f=html&limit=20", "/ogc/collections/zones/items/zone:wandakai?f=html", "/ogc/collections/zones?f=html", "/docs"):
            page.goto(xss_server + url)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__xss") is None, url
        assert not dialogs
        browser.close()


def test_html_pages_escape_the_payloads(xss_server):
    html = httpx.get(xss_server + "/ogc/collections/zones/items?f=html&limit=20").text
    assert "<script>window.__xss" not in html and "&lt;script&gt;window.__xss" in html
    assert "<img src=x onerror" not in html
