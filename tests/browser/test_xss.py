"""No text from the data runs as script: payloads in names, members, notes and quotes stay text."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.browser.test_map import ARTIFACTS, CHROMIUM, FLAGS, ROOT, _free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def xss_server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "tests.fixtures.xss_app:create", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=os.environ | {"PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode(errors="replace"))
    yield base
    proc.terminate()
    proc.wait(timeout=20)


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
