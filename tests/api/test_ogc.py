"""OGC API – Features: shape, paging, filters and CRS, read as generic clients read it."""

import pytest

from layers.registry import registered_ids

REGISTRY = registered_ids()

GEOJSON = "application/geo+json"


def test_landing_conformance_and_api(client):
    landing = client.get("/ogc").json()
    rels = {l["rel"] for l in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conf = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf
    api = client.get("/ogc/api")
    assert api.json()["openapi"].startswith("3.0") and "/ogc/collections/{layer_id}/items" in api.json()["paths"]


def test_collections_describe_extent_and_crs(client):
    cols = {c["id"]: c for c in client.get("/ogc/collections").json()["collections"]}
    assert set(cols) == set(REGISTRY)
    rail = cols["rail"]
    assert "http://www.opengis.net/def/crs/EPSG/0/4490" in rail["crs"]
    assert rail["storageCrs"].endswith("CRS84")
    assert "temporal" in rail["extent"] and len(rail["extent"]["spatial"]["bbox"][0]) == 4
    assert any(l["rel"] == "items" and l["type"] == GEOJSON for l in rail["links"])


@pytest.mark.parametrize("layer_id", sorted(REGISTRY))
@pytest.mark.parametrize("limit", [7, 50])
def test_walking_next_links_returns_every_feature_exactly_once(client, layer_id, limit):
    url = f"/ogc/collections/{layer_id}/items?limit={limit}"
    seen, matched = [], None
    while url:
        page = client.get(url).json()
        matched = page["numberMatched"] if matched is None else matched
        assert page["numberMatched"] == matched
        assert page["numberReturned"] == len(page["features"]) <= limit
        seen += [f["id"] for f in page["features"]]
        nxt = [l["href"] for l in page["links"] if l["rel"] == "next"]
        url = nxt[0].replace("http://testserver", "") if nxt else None
    total = len(client.get(f"/api/layers/{layer_id}").json()["features"])
    assert matched == total == len(seen) == len(set(seen))


def test_prev_link(client):
    page = client.get("/ogc/collections/counties/items?limit=10&offset=20").json()
    prev = [l["href"] for l in page["links"] if l["rel"] == "prev"][0]
    assert "offset=10" in prev and "limit=10" in prev


def test_limit_above_cap_is_clamped_and_said(client):
    r = client.get("/ogc/collections/counties/items?limit=100000")
    assert r.status_code == 200 and r.json()["numberReturned"] == 221
    assert "clamped to 1000" in r.headers["warning"]


@pytest.mark.parametrize(
    "crs, uri, first_is_lat",
    [
        (None, "http://www.opengis.net/def/crs/OGC/1.3/CRS84", False),
        ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", False),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", "http://www.opengis.net/def/crs/EPSG/0/4326", True),
        ("http://www.opengis.net/def/crs/EPSG/0/4490", "http://www.opengis.net/def/crs/EPSG/0/4490", True),
    ],
)
def test_axis_order_follows_the_crs(client, crs, uri, first_is_lat):
    params = {"crs": crs} if crs else {}
    r = client.get("/ogc/collections/zones/items/zone:wandakai", params=params)
    assert r.headers["content-crs"] == f"<{uri}>"
    ring = r.json()["geometry"]["coordinates"][0]
    while isinstance(ring[0][0], list):
        ring = ring[0]
    a, b = ring[0]
    if first_is_lat:
        assert 28 < a < 33 and 105 < b < 110
    else:
        assert 105 < a < 110 and 28 < b < 33


def test_web_mercator_output(client):
    r = client.get("/ogc/collections/airports/items", params={"crs": "http://www.opengis.net/def/crs/EPSG/0/3857", "limit": 1})
    x, y = r.json()["features"][0]["geometry"]["coordinates"]
    assert 1.1e7 < x < 1.25e7 and 3.0e6 < y < 4.0e6
    assert r.headers["content-crs"] == "<http://www.opengis.net/def/crs/EPSG/0/3857>"


@pytest.mark.parametrize(
    "bbox, bbox_crs",
    [
        ("106,29,107.5,30.5", None),
        ("106,29,107.5,30.5", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
        ("29,106,30.5,107.5", "http://www.opengis.net/def/crs/EPSG/0/4326"),
        ("11800237,3375646,11967216,3570229", "http://www.opengis.net/def/crs/EPSG/0/3857"),
    ],
)
def test_bbox_in_each_crs_selects_the_same_counties(client, bbox, bbox_crs):
    params = {"bbox": bbox, "limit": 1000} | ({"bbox-crs": bbox_crs} if bbox_crs else {})
    ids = {f["id"] for f in client.get("/ogc/collections/counties/items", params=params).json()["features"]}
    reference = {f["id"] for f in client.get("/api/layers/counties", params={"bbox": "106,29,107.5,30.5"}).json()["features"]}
    assert "region:500103" in ids
    assert len(ids ^ reference) <= 2  # the Mercator box is the lon/lat box to a few metres


def test_datetime_against_project_periods(client):
    hits = {f["id"]: f["properties"] for f in client.get("/ogc/collections/waterways/items", params={"datetime": "2029-06-01T00:00:00Z", "limit": 1000}).json()["features"]}
    assert "waterway:wujiang-baima-hub" in hits and "waterway:jialing-lize-hub" not in hits
    open_start = client.get("/ogc/collections/waterways/items", params={"datetime": "../2018-12-31", "limit": 1000}).json()
    assert all((f["properties"]["period_start"] or 0) <= 2018 for f in open_start["features"])


def test_property_filters(client):
    page = client.get("/ogc/collections/rail/items", params={"kind": "metro", "limit": 100}).json()
    assert page["numberMatched"] == 7 and all(f["properties"]["kind"] == "metro" for f in page["features"])
    zone = client.get("/ogc/collections/rail/items", params={"zones": "zone:wandakai", "limit": 100}).json()
    assert any(f["id"] == "rail:chengdu-dazhou-wanzhou-hsr" for f in zone["features"])


@pytest.mark.parametrize(
    "url, status",
    [
        ("/ogc/collections/zones/items?colour=red", 400),
        ("/ogc/collections/zones/items?crs=EPSG:32648", 400),
        ("/ogc/collections/zones/items?bbox-crs=EPSG:4326", 400),
        ("/ogc/collections/zones/items?datetime=yesterday", 400),
        ("/ogc/collections/zones/items?datetime=2020-01-01", 400),  # zones have no period
        ("/ogc/collections/rail/items?datetime=2025/2020", 400),
        ("/ogc/collections/rail/items?offset=-1", 422),
        ("/ogc/collections/rail/items?limit=0", 422),
        ("/ogc/collections/nope/items", 404),
        ("/ogc/collections/zones/items/rail:chengdu-dazhou-wanzhou-hsr", 404),
        ("/ogc?f=xml", 422),
    ],
)
def test_bad_requests(client, url, status):
    r = client.get(url)
    assert r.status_code == status and r.json()["description"]


def test_html_pages(client):
    for url in ("/ogc?f=html", "/ogc/collections?f=html", "/ogc/collections/zones?f=html", "/ogc/collections/zones/items?f=html", "/ogc/collections/zones/items/zone:gaozhu?f=html"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), url
    assert "川渝高竹新区" in client.get("/ogc/collections/zones/items?f=html&limit=20").text
    assert client.get("/ogc", headers={"Accept": "text/html"}).headers["content-type"].startswith("text/html")
