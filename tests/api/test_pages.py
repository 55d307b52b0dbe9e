import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_map_page_is_small_offline_and_inlines_no_geometry(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert len(r.content) < 300_000
    assert not re.search(r"""(src|href)=["']https?://""", html), "every asset must come from this server"
    assert "cdn." not in html and "unpkg" not in html
    assert '"coordinates"' not in html  # layers are fetched from the API
    for path in re.findall(r"""(?:src|href)=["'](/static/[^"'?]+)""", html):
        assert (STATIC / path.removeprefix("/static/")).is_file(), path
        assert client.get(path).status_code == 200


def test_vendored_assets_carry_licences():
    for vendor in (STATIC / "vendor").iterdir():
        assert (vendor / "LICENSE").is_file(), vendor


def test_online_basemap_is_optional_and_labelled_with_datum(catalog):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(basemap_url="https://tile.openstreetmap.org/{z}/{x}/{y}.png", basemap_attribution="© OpenStreetMap")
    with TestClient(create_app(settings, catalog)) as c:
        html = c.get("/").text
    assert "tile.openstreetmap.org" in html and "(WGS84)" in html


def test_gcj02_basemap_is_refused():
    import pytest
    from pydantic import ValidationError

    from api.settings import Settings

    with pytest.raises(ValidationError, match="GCJ-02"):
        Settings(basemap_url="https://example.invalid/{z}/{x}/{y}.png", basemap_datum="GCJ-02")


def test_tianditu_basemap_with_a_key_from_settings(catalog):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(tianditu_key="abc123"), catalog)) as c:
        r = c.get("/")
    assert "tianditu.gov.cn/vec_w" in r.text and "tk=abc123" in r.text and "(CGCS2000)" in r.text
    assert "https://*.tianditu.gov.cn" in r.headers["content-security-policy"]


def test_every_zone_page_renders_and_says_how_its_area_reads(client, catalog):
    for zone_id, quality in zip(catalog.layers["zones"].frame["id"], catalog.layers["zones"].frame["geometry_quality"]):
        r = client.get(f"/zones/{zone_id}")
        assert r.status_code == 200, zone_id
        if zone_id == "zone:mingyueshan":
            assert "of which only part belongs" in r.text and "no split by province" in r.text
        if zone_id == "zone:gaozhu":
            assert "indicative outline is drawn to that area" in r.text
    assert client.get("/zones/wandakai").status_code == 200  # the prefix may be left out
