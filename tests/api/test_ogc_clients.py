"""Unchanged third-party clients read /ogc: GDAL/OGR's OAPIF driver and OWSLib."""

import json
import shutil
import subprocess

import httpx
import pytest

from tests.browser.test_map import server  # noqa: F401  (real uvicorn on 127.0.0.1)

LAYERS = ["zones", "rail", "airports", "counties"]


@pytest.fixture(scope="module")
def api_features(server):  # noqa: F811
    return {layer: {f["id"]: f["properties"] for f in httpx.get(f"{server}/api/layers/{layer}", timeout=60).json()["features"]} for layer in LAYERS}


@pytest.mark.parametrize("layer", LAYERS)
def test_gdal_oapif_driver(server, api_features, layer):  # noqa: F811
    if shutil.which("ogr2ogr") is None:
        pytest.fail("gdal-bin is not installed: run ./atlas test, which installs it")
    out = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{server}/ogc", layer, "-oo", "PAGE_SIZE=50"],
        capture_output=True, text=True, timeout=180,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    fc = json.loads(out.stdout)
    got = {f["properties"]["id"]: f["properties"] for f in fc["features"]}
    expected = api_features[layer]
    assert set(got) == set(expected)
    for fid, props in expected.items():
        assert got[fid]["name_zh"] == props["name_zh"] and got[fid]["name_en"] == props["name_en"]
        assert got[fid]["kind"] == props["kind"]


@pytest.mark.parametrize("layer", LAYERS)
def test_owslib_features(server, api_features, layer):  # noqa: F811
    from owslib.ogcapi.features import Features

    api = Features(f"{server}/ogc")
    assert layer in {c["id"] for c in api.collections()["collections"]}
    got = {}
    offset = 0
    while True:
        page = api.collection_items(layer, limit=30, offset=offset)
        got |= {f["id"]: f["properties"] for f in page["features"]}
        offset += 30
        if offset >= page["numberMatched"]:
            break
    assert set(got) == set(api_features[layer])
    for fid, props in api_features[layer].items():
        assert got[fid] == props
