import io
import json

import geojson_validator
import pyogrio
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from layers.registry import registered_ids

REGISTRY = registered_ids()

# Holes (enclave counties) and many vertices are real properties of administrative boundaries,
# not defects: every other check of geojson-validator must report nothing.
PROBLEMATIC = tuple(
    c for c in (
        "inner_and_exterior_ring_intersect", "self_intersection", "duplicate_nodes", "excessive_coordinate_precision",
        "3d_coordinates", "outside_lat_lon_boundaries", "crosses_antimeridian",
    )
)


def test_catalogue_lists_every_layer_with_fields_and_sources(client):
    body = client.get("/api/layers").json()
    entries = {e["id"]: e for e in body["layers"]}
    assert set(entries) == set(REGISTRY)
    zones = entries["zones"]
    assert zones["status"] == "ok" and zones["feature_count"] >= 12 and zones["geometry_type"] == "Polygon"
    assert zones["title_zh"] and zones["title_en"]
    assert len(zones["bbox"]) == 4 and zones["bbox"][0] < zones["bbox"][2]
    assert {"name", "type", "description"} <= set(zones["fields"][0])
    assert any(f["name"] == "area_km2_documented" for f in zones["fields"])
    source = entries["counties"]["data_sources"][0]
    assert "Tianditu" in source["name"] and "CGCS2000" in source["datum"] and source["licence"]


@pytest.mark.parametrize("layer_id", sorted(REGISTRY))
def test_every_layer_is_valid_rfc7946(client, layer_id):
    r = client.get(f"/api/layers/{layer_id}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert "crs" not in fc and fc["type"] == "FeatureCollection" and fc["features"]
    assert geojson_validator.validate_structure(fc, check_crs=True) == {}
    result = geojson_validator.validate_geometries(fc, criteria_problematic=PROBLEMATIC)
    assert result["invalid"] == {} and result["problematic"] == {}
    located = [f["geometry"] for f in fc["features"] if f["geometry"] is not None]
    # A layer may have nothing locatable (no source gives the reservoirs' sites): each row says why.
    assert located or all(f["properties"].get("derivation") for f in fc["features"])
    for geometry in located:
        coords = json.dumps(geometry["coordinates"]).replace("[", "").replace("]", "").split(",")
        assert max((len(x.split(".")[1]) for x in coords if "." in x), default=0) <= 6
    unlocated = [f for f in fc["features"] if f["geometry"] is None]
    assert all(f["properties"]["geometry_quality"] == "unlocated" for f in unlocated)


def test_bbox_filter(client):
    fc = client.get("/api/layers/counties", params={"bbox": "106,29,107.5,30.5"}).json()
    ids = {f["id"] for f in fc["features"]}
    assert "region:500103" in ids and "region:510104" not in ids
    assert fc["numberReturned"] == len(fc["features"])


@pytest.mark.parametrize("q, expected", [("万州", "region:500101"), ("wanzhou", "region:500101"), ("Wanzhou District", "region:500101")])
def test_q_filter_on_counties(client, q, expected):
    ids = [f["id"] for f in client.get("/api/layers/counties", params={"q": q}).json()["features"]]
    assert expected in ids


@pytest.mark.parametrize("q", ["万达开", "wandakai", "WDK", "Wanzhou-Dazhou-Kaizhou"])
def test_q_filter_on_zones(client, q):
    ids = [f["id"] for f in client.get("/api/layers/zones", params={"q": q}).json()["features"]]
    assert "zone:wandakai" in ids


def test_zoom_simplifies_and_keeps_all_features(client):
    full = client.get("/api/layers/counties")
    overview = client.get("/api/layers/counties", params={"zoom": 6})
    assert len(overview.content) < len(full.content)
    assert len(overview.json()["features"]) == len(full.json()["features"])


def _documents(mentions: list[dict]) -> list[dict]:
    """What a zoom-level response gives of a project's mentions: its documents, in order."""
    keys = dict.fromkeys((m["doc"], m["doc_title_zh"], m["doc_date"]) for m in mentions)
    return [{"doc": d, "doc_title_zh": t, "doc_date": when} for d, t, when in keys]


def _vertices(geometry) -> int:
    import shapely.geometry

    return 0 if geometry is None else int(shapely.get_num_coordinates(shapely.geometry.shape(geometry)))


@pytest.mark.parametrize("layer_id, fetched_again", [
    ("counties", True), ("zones", False), ("economic_circle", False), ("waterways", False), ("highways", False), ("ports", False),
])
def test_a_zoom_keeps_display_properties_and_simplifies_only_what_is_fetched_again(client, catalog, layer_id, fetched_again):
    """A layer the map fetches again at each level is simplified for it; one fetched once keeps
    every vertex at full precision (a road simplified for zoom 7 would miss its towns at 12)."""
    spec = catalog.get(layer_id).spec
    assert spec.presentation.zoomed and spec.simplified_at_zoom is fetched_again
    full = {f["id"]: f for f in client.get(f"/api/layers/{layer_id}").json()["features"]}
    shown = {f["id"]: f for f in client.get(f"/api/layers/{layer_id}", params={"zoom": 7}).json()["features"]}
    assert shown.keys() == full.keys()
    wanted = {"id", "layer", "name_zh", "name_en", "kind", "geometry_quality", *spec.summary_fields}
    for fid, f in shown.items():
        assert set(f["properties"]) == wanted & set(full[fid]["properties"])
        whole = dict(full[fid]["properties"])
        if "mentions" in whole:  # one item per document naming it, newest first
            whole["mentions"] = _documents(whole["mentions"])
        assert all(f["properties"][k] == whole[k] for k in f["properties"])
    if fetched_again:
        assert sum(_vertices(f["geometry"]) for f in shown.values()) < sum(_vertices(f["geometry"]) for f in full.values())
    else:
        assert all(f["geometry"] == full[fid]["geometry"] for fid, f in shown.items())


def test_the_whole_feature_is_one_request_away(client):
    """What a popup fetches for a feature drawn from its display properties."""
    shown = next(f for f in client.get("/api/layers/highways", params={"zoom": 7}).json()["features"] if f["geometry"])
    whole = client.get(f"/api/features/{shown['id']}").json()
    assert set(shown["properties"]) < set(whole["properties"]) and "sources" in whole["properties"]
    assert "sources" not in shown["properties"]
    assert shown["properties"]["mentions"] == _documents(whole["properties"]["mentions"])
    assert len(json.dumps(shown["properties"]["mentions"])) < len(json.dumps(whole["properties"]["mentions"])) / 3


def test_etag_and_304(client):
    r = client.get("/api/layers/zones")
    etag = r.headers["etag"]
    again = client.get("/api/layers/zones", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/layers/zones", params={"q": "万达开"})
    assert other.headers["etag"] != etag


def test_gzip_when_asked(client):
    r = client.get("/api/layers/counties", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"


@pytest.mark.parametrize(
    "url, status, fragment",
    [
        pytest.param("/api/layers/nope", 404, "unknown layer", id="unknown-layer"),
        pytest.param("/api/layers/zones?bbox=1,2,3", 400, "4 comma-separated", id="bbox-three"),
        pytest.param("/api/layers/zones?bbox=107,29,106,30", 400, "greater than", id="bbox-order"),
        pytest.param("/api/layers/zones?bbox=nan,29,107,30", 400, "finite", id="bbox-nan"),
        pytest.param("/api/layers/zones?zoom=40", 422, "zoom", id="zoom-range"),
        pytest.param("/api/layers/zones?zoom=abc", 422, "zoom", id="zoom-text"),
        pytest.param("/api/layers/zones/download?format=docx", 422, "format", id="bad-format"),
        pytest.param("/api/layers/zones?q=" + "x" * 300, 400, "limit", id="q-too-long"),
        pytest.param("/api/layers/..%2F..%2Fetc%2Fpasswd", 404, "", id="traversal"),
        pytest.param("/api/features/zone:nope", 404, "unknown feature", id="unknown-feature"),
    ],
)
def test_bad_input_gets_a_json_4xx(client, url, status, fragment):
    r = client.get(url)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"code", "description"}
    assert fragment in body["description"]


@pytest.mark.parametrize("fmt, media, ext", [("geojson", "application/geo+json", "geojson"), ("gpkg", "application/geopackage+sqlite3", "gpkg"), ("csv", "text/csv", "csv")])
def test_downloads_round_trip(client, tmp_path, fmt, media, ext):
    r = client.get("/api/layers/zones/download", params={"format": fmt})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    assert r.headers["content-disposition"] == f'attachment; filename="chengyu-atlas-zones.{ext}"'
    path = tmp_path / f"zones.{ext}"
    path.write_bytes(r.content)
    if fmt == "csv":
        import pandas as pd

        table = pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")
        assert "wkt" in table.columns
    else:
        table = pyogrio.read_dataframe(path)
    assert len(table) == len(client.get("/api/layers/zones").json()["features"])
    row = table.set_index("id").loc["zone:wandakai"]
    assert row["name_zh"] == "万州、达州、开州".replace("万州、达州、开州", "万达开川渝统筹发展示范区")
    members = row["members"] if fmt == "geojson" and isinstance(row["members"], list) else json.loads(row["members"])
    assert {m["name_zh"] for m in members} == {"万州区", "开州区", "达州市"}


def test_filtered_download(client):
    r = client.get("/api/layers/counties/download", params={"format": "geojson", "q": "万州"})
    assert [f["id"] for f in r.json()["features"]] == ["region:500101"]


def test_broken_layer_is_listed_with_its_error_and_others_serve(tiny_catalog):
    with TestClient(create_app(Settings(), tiny_catalog)) as c:
        entries = {e["id"]: e for e in c.get("/api/layers").json()["layers"]}
        assert entries["broken"]["status"] == "error" and "broken.yaml" in entries["broken"]["error"]
        assert c.get("/api/layers/tiny").status_code == 200
        r = c.get("/api/layers/broken")
        assert r.status_code == 503 and "broken.yaml" in r.json()["description"]
        assert c.get("/health").json()["status"] == "degraded"


def test_repeated_request_does_no_work(client, catalog, monkeypatch):
    from api.caching import _COMPRESSOR

    url = "/api/layers/rail?kind=metro&status=under_construction"
    # A new result's gzip is joined from per-feature blocks; asked again, it is compressed whole
    # in the background; that final body is what is replayed from then on.
    client.get(url, headers={"Accept-Encoding": "gzip"})
    client.get(url, headers={"Accept-Encoding": "gzip"})
    _COMPRESSOR.submit(lambda: None).result(timeout=60)
    first = client.get(url, headers={"Accept-Encoding": "gzip"})

    def fail(*args, **kwargs):
        raise AssertionError("the catalog was queried again")

    monkeypatch.setattr(catalog, "select", fail)
    monkeypatch.setattr(catalog, "mask", fail)
    monkeypatch.setattr(catalog, "map_frame", fail)
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}).status_code == 304


def test_gzip_body_is_made_once_and_has_its_own_etag(client):
    plain = client.get("/api/layers/zones?q=高竹", headers={"Accept-Encoding": "identity"})
    packed = client.get("/api/layers/zones?q=高竹", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert packed.headers["etag"] != plain.headers["etag"] and packed.json() == plain.json()
    assert packed.headers["vary"] == "Accept-Encoding"
