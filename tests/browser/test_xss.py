"""No text from the data runs as script: payloads in names, members, notes and quotes stay text.

The pages are loaded with the same console guard as the map tests: a page error or a Content
Security Policy report fails the test. The CSP would block an injected inline script or handler
anyway, so "window.__xss is unset" alone proves little; a CSP report is the trace an injection
leaves, and the guard is shown to catch one (last test). Escaping is asserted directly too: the
payloads are on the page as text, and no element or attribute they carry exists in the DOM.
"""

from __future__ import annotations

import httpx
import pytest

from tests.browser.servers import uvicorn_server
from tests.browser.test_map import ARTIFACTS, CHROMIUM, FLAGS
from tests.fixtures.xss_app import PAYLOADS

pytestmark = pytest.mark.browser

#: Nothing in the DOM may come from a payload: no element, no handler, no javascript: link.
INJECTED = """() => {
  const all = [...document.querySelectorAll('*')];
  return {
    // data may travel inside a script as JSON (escaped: \\u0027, \\u003c); a payload as code has its quotes
    scripts: [...document.scripts].filter(s => /__xss ?= ?'/.test(s.textContent)).length,
    handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on') && a.value.includes('__xss'))).length,
    images: document.querySelectorAll("img[src='x']").length,
    svgs: document.querySelectorAll('svg[onload]').length,
    links: document.querySelectorAll("a[href^='javascript:'], [src^='javascript:']").length,
    flag: window.__xss === undefined ? null : String(window.__xss),
  };
}"""
CLEAN = {"scripts": 0, "handlers": 0, "images": 0, "svgs": 0, "links": 0, "flag": None}


@pytest.fixture(scope="module")
def xss_server():
    with uvicorn_server(["uvicorn", "--factory", "tests.fixtures.xss_app:create"]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def guarded_page(browser):
    """A page whose errors, CSP reports and dialogs are collected."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    caught = {"errors": [], "csp": [], "dialogs": []}
    page.on("pageerror", lambda e: caught["errors"].append(str(e)))
    page.on("console", lambda m: caught["csp"].append(m.text) if "Content Security Policy" in m.text else None)
    page.on("dialog", lambda d: (caught["dialogs"].append(d.message), d.dismiss()))
    return page, caught


def test_payloads_never_execute_and_stay_text(browser, xss_server):
    page, caught = guarded_page(browser)
    response = page.goto(xss_server + "/")
    assert "script-src" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    page.wait_for_selector("body[data-zones-drawn]", timeout=60_000)
    page.locator("#atlas-legend button[data-zone]").first.click()
    popup = page.wait_for_selector(".leaflet-popup-content .atlas-popup")
    text = popup.inner_text()
    assert "<script>window.__xss = 'script'</script>" in text  # the quote's payload, shown as text
    assert "<img src=x onerror=" in text  # a member's payload, shown as text
    page.mouse.move(700, 450)  # tooltips of poisoned county names
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "xss-popup.png"))
    assert page.evaluate(INJECTED) == CLEAN
    for url in ("/ogc/collections/zones/items?f=html&limit=20", "/ogc/collections/zones/items/zone:wandakai?f=html",
                "/ogc/collections/zones?f=html", "/zones/zone:wandakai", "/docs"):
        page.goto(xss_server + url)
        page.wait_for_load_state("load")
        assert page.evaluate(INJECTED) == CLEAN, url
    assert caught == {"errors": [], "csp": [], "dialogs": []}, caught
    page.close()


def test_html_pages_escape_the_payloads(xss_server):
    for url in ("/ogc/collections/zones/items?f=html&limit=20", "/ogc/collections/zones/items/zone:wandakai?f=html"):
        html = httpx.get(xss_server + url).text
        assert "<script>window.__xss" not in html and "&lt;script&gt;window.__xss" in html, url
        assert "<img src=x onerror" not in html, url
    zone_page = httpx.get(xss_server + "/zones/zone:wandakai").text
    for payload in PAYLOADS[:2]:
        assert payload not in zone_page  # inserted as text, never as markup


def test_the_guard_catches_an_injection(browser, xss_server):
    """The control: markup inserted as HTML is blocked by the CSP, and the guard reports it."""
    page, caught = guarded_page(browser)
    page.goto(xss_server + "/ogc/collections/zones?f=html")
    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', `" + PAYLOADS[1] + "`)")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None  # blocked…
    assert caught["csp"], caught  # …and reported: an injection does not pass unseen
    page.close()
