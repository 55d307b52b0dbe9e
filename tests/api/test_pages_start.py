"""The map page's start requests (preloads), the site's icon, and one page per zone."""

from __future__ import annotations

import json
import re

from api.mapview import detail_level

PRELOAD = re.compile(r'<link rel="preload" as="fetch" crossorigin href="([^"]+)">')


def _config(html: str) -> dict:
    return json.loads(re.search(r"AtlasMap\.init\((\{.*?\})\);", html).group(1))


def test_the_map_preloads_exactly_the_layers_shown_at_start(client, catalog, settings):
    html = client.get("/").text
    level = detail_level(settings.default_map_zoom)
    shown = [s for s in sorted((s for s in catalog.specs if s.presentation and s.id in catalog.layers), key=lambda s: s.presentation.order)
             if s.presentation.visible and s.presentation.in_control]
    # hidden, or drawn only on demand (the layout, one plan at a time): fetched after the first view
    hidden = [s.id for s in catalog.specs if s.presentation and not (s.presentation.visible and s.presentation.in_control)]
    assert shown and hidden
    # The gazetteer's display properties carry the label rank: it too comes at the level.
    expected = [f"/api/layers/{s.id}" + (f"?zoom={level}" if s.presentation.zoomed else "") for s in shown] + [f"/api/layers/places?zoom={level}"]
    assert PRELOAD.findall(html) == expected  # in draw order, the label layer last
    assert not [u for u in PRELOAD.findall(html) if any(u.startswith(f"/api/layers/{h}") for h in hidden)]
    # The script is handed the same URLs, and the levels it maps a zoom to.
    config = _config(html)
    assert [*config["preload"]["layers"].values(), *config["preload"]["labels"].values()] == expected
    assert config["preload"]["level"] == level and level in config["levels"]
    # The page's own scripts and styles come before the preloads (six connections per host).
    head = html.split("</head>")[0]
    assert head.index("leaflet.js") < head.index("atlas.js") < head.index('rel="preload"')
    assert re.search(r'<script defer fetchpriority="high" src="/static/atlas\.js\?v=[^"]+"></script>', head)
    for url in expected:
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json"), url


def test_detail_levels():
    assert [detail_level(z) for z in (3, 5, 5.5, 7, 8, 9.25, 11, 12, 14)] == [5, 5, 7, 7, 9, 11, 11, 12, 12]


def test_favicon_is_an_icon_and_every_html_page_declares_one(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/")
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for path in ("/", "/zones/wandakai", "/zones/zone:gaozhu", "/ogc?f=html", "/ogc/collections?f=html", "/docs"):
        page = client.get(path).text
        icons = re.findall(r'<link rel="(?:shortcut )?icon"[^>]*href="([^"]+)"', page)
        assert icons, path
        for href in icons:
            got = client.get(href)
            assert got.status_code == 200 and got.headers["content-type"].startswith("image/"), (path, href)


def test_a_zone_by_its_short_id_is_the_same_page(client):
    def page(path: str) -> str:
        r = client.get(path)
        assert r.status_code == 200
        return re.sub(r'nonce="[^"]+"', 'nonce=""', r.text)

    assert page("/zones/wandakai") == page("/zones/zone:wandakai")
    assert 'value="/zones/zone:wandakai"' in page("/zones/wandakai")  # root-relative without ATLAS_PUBLIC_URL
    assert client.get("/zones/no-such-zone").status_code == 404


def test_the_offline_export_carries_its_icon_inline(client):
    html = client.get("/zones/wandakai/export").text
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert icons and all(h.startswith("data:image/svg+xml,") for h in icons)


def test_the_rendered_map_page_is_kept_for_the_next_start(catalog, tmp_path):
    """Folium names its elements at random: a page read back is byte for byte the first one,
    a page rendered again is not."""
    from api.app import create_app
    from api.routes.pages import map_page
    from api.settings import Settings

    def page(artifact_dir):
        app = create_app(Settings(artifact_dir=str(artifact_dir), warm_start=False), catalog)
        return map_page(app.state, catalog)

    first = page(tmp_path)
    assert page(tmp_path) == first
    assert page(tmp_path / "elsewhere") != first
    assert len(list(tmp_path.glob("map-page-*.txt"))) == 1


def test_the_map_page_reads_only_the_settings_it_declares(catalog):
    """The kept page is keyed by MAP_SETTINGS: a setting the page read without declaring it
    would be left at its default (and the key would not see it change)."""
    from api.mapview import MAP_SETTINGS, render_map
    from api.settings import Settings

    read: set[str] = set()

    class Recording:
        def __init__(self, settings):
            self._settings = settings

        def __getattr__(self, name):
            read.add(name)
            return getattr(self._settings, name)

    render_map(Recording(Settings(tianditu_key="k", basemap_url="https://tile.example.org/{z}/{x}/{y}.png")),
               catalog.specs, list(catalog.layers))
    assert read and read <= set(MAP_SETTINGS)


def test_the_kept_map_page_does_not_depend_on_the_port_or_the_caches(catalog, tmp_path):
    from api.app import create_app
    from api.routes.pages import map_page
    from api.settings import Settings

    pages = [map_page(create_app(Settings(artifact_dir=str(tmp_path), warm_start=False, **extra), catalog).state, catalog)
             for extra in ({"public_url": "http://127.0.0.1:8001"}, {"public_url": "http://127.0.0.1:8002", "cache_max_bytes": 2**22})]
    assert pages[0] == pages[1]
    other = map_page(create_app(Settings(artifact_dir=str(tmp_path), warm_start=False, default_map_zoom=8), catalog).state, catalog)
    assert other != pages[0]


def test_a_rendered_zone_page_is_kept_for_the_next_start(catalog, tmp_path, monkeypatch):
    """Read back, a zone page is served without rendering (no Folium): byte for byte the first
    one. Its links take the public URL as it is served (python -m api sets it to the address
    it serves, so it changes with the port): another one reads the same kept page."""
    from fastapi.testclient import TestClient

    import api.routes.pages
    from api.app import create_app
    from api.settings import Settings

    def page(artifact_dir, **extra):
        with TestClient(create_app(Settings(artifact_dir=str(artifact_dir), warm_start=False, **extra), catalog)) as c:
            r = c.get("/zones/wandakai")
            assert r.status_code == 200
            return re.sub(r'nonce="[^"]+"', 'nonce=""', r.text)

    first = page(tmp_path)
    assert len(list(tmp_path.glob("zone-page-wandakai-*.txt"))) == 1
    rendered = []
    real = api.routes.pages.render_zone
    monkeypatch.setattr(api.routes.pages, "render_zone", lambda *a, **k: rendered.append(1) or real(*a, **k))
    assert page(tmp_path) == first and not rendered  # read back
    elsewhere = page(tmp_path, public_url="http://atlas.example.org/cy?a=1&b=<2>")
    assert not rendered and len(list(tmp_path.glob("zone-page-wandakai-*.txt"))) == 1
    assert 'value="http://atlas.example.org/cy?a=1&amp;b=&lt;2&gt;/zones/zone:wandakai"' in elsewhere  # escaped
    assert 'href="http://atlas.example.org/cy?a=1&amp;b=&lt;2&gt;/#focus=zone:wandakai"' in elsewhere
    assert elsewhere.replace("http://atlas.example.org/cy?a=1&amp;b=&lt;2&gt;", "") == first
    assert "__ATLAS_LINK_BASE__" not in first
