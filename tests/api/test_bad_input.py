"""The table of bad inputs: each gets a 4xx JSON answer that says what is wrong."""

import pytest

BAD = [
    # (url, status, words the description must contain)
    ("/api/layers/counties?bbox=107.5,29,106,30.5", 400, "minlon 107.5 is greater than maxlon"),
    ("/api/layers/counties?bbox=106,30.5,107.5,29", 400, "minlat 30.5 is greater than maxlat"),
    ("/api/layers/counties?bbox=106,29,107.5,95", 400, "outside ±90"),
    ("/api/layers/counties?bbox=-200,29,107.5,30", 400, "outside ±180"),
    ("/api/layers/counties?bbox=NaN,29,107.5,30.5", 400, "finite"),
    ("/api/layers/counties?bbox=106,29,107.5,30.5,1", 400, "got 5"),
    ("/ogc/collections/counties/items?bbox=106,29,107.5", 400, "4"),
    ("/ogc/collections/counties/items?offset=-1", 422, "offset"),
    ("/ogc/collections/counties/items?limit=-5", 422, "limit"),
    ("/ogc/collections/counties/items?crs=EPSG:99999", 400, "unknown EPSG code"),
    ("/ogc/collections/counties/items?crs=EPSG:32648", 400, "not served"),
    ("/ogc/collections/counties/items?crs=http://example.com/x", 400, "unrecognised CRS"),
    ("/ogc/collections/rail/items?datetime=2025-13-45T99", 400, "RFC 3339"),
    ("/ogc/collections/rail/items?datetime=../..", 400, "open at both ends"),
    ("/ogc/collections/rail/items?colour=red", 400, "unknown parameter or property 'colour'"),
    ("/api/layers/rail?zone=zone:wandakai&year=twenty", 422, "year"),
    ("/api/layers/counties?zone=zone:wandakai", 400, "no property 'zone'"),
    ("/api/layers/zones?q=" + "x" * 10_240, 400, "limit is 200"),
    ("/api/layers/zones?q=" + "万" * 1_200, 400, "limit is 200"),
    ("/ogc/collections/zones/items?q=" + "x" * 10_000, 422, "q"),
    ("/api/layers/..%2F..%2Fetc%2Fpasswd", 404, "no route for"),
    ("/api/layers/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404, "no route for"),
    ("/api/layers/%3Cscript%3Ealert(1)", 404, "unknown layer"),
    ("/api/layers/zones%00", 404, "unknown layer"),
    ("/api/layers/zones/download?format=..%2F..%2Fetc", 422, "format"),
    ("/api/layers/zones/download?format=exe", 422, "format"),
    ("/api/features/..%2Fzone:wandakai", 404, "no route for"),
    ("/api/features/zone:wandakai%22%3E%3Cimg", 404, "unknown feature"),
    ("/api/layers/zones?zoom=99", 422, "zoom"),
]


@pytest.mark.parametrize("url, status, words", BAD, ids=[u.split("?")[-1][:40] for u, _, _ in BAD])
def test_bad_input(client, url, status, words):
    r = client.get(url)
    assert r.status_code == status, r.text[:300]
    body = r.json()
    assert set(body) == {"code", "description"}
    assert words in body["description"], body
    assert "Traceback" not in r.text


def test_limit_above_the_cap_is_clamped_and_said(client):
    r = client.get("/ogc/collections/counties/items?limit=99999")
    assert r.status_code == 200 and r.json()["numberReturned"] == 221
    assert "clamped to 1000" in r.headers["warning"]


@pytest.mark.parametrize("raw", [b"q=%FF%FE", b"bbox=%C3%28", b"q=ok&kind=%E4%B8"])
def test_invalid_utf8_in_the_query_string(client, raw):
    r = client.get("/api/layers/rail?" + raw.decode("ascii"))
    assert r.status_code == 400 and "not valid UTF-8" in r.json()["description"]


def test_security_headers_on_every_response(client):
    for url in ("/", "/api/layers", "/api/layers/zones", "/ogc?f=html", "/api/layers/nope", "/static/atlas.js"):
        r = client.get(url)
        assert r.headers["x-content-type-options"] == "nosniff", url
        assert r.headers["referrer-policy"], url
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url


def test_map_page_nonce_changes_per_response(client):
    a, b = client.get("/"), client.get("/")
    na = a.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    nb = b.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert na != nb and f'nonce="{na}"' in a.text and "__ATLAS_CSP_NONCE__" not in a.text


def test_cors_is_configurable_for_get(catalog):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(cors_origins=["https://planner.example"]), catalog)) as c:
        r = c.get("/api/layers", headers={"Origin": "https://planner.example"})
        assert r.headers["access-control-allow-origin"] == "https://planner.example"
    with TestClient(create_app(Settings(), catalog)) as c:
        assert "access-control-allow-origin" not in c.get("/api/layers", headers={"Origin": "https://x.example"}).headers
