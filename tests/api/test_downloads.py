"""Downloads honour the same query as the GeoJSON endpoint; a bad format is refused.

Geometry and values of every layer in every format are proven in test_downloads_roundtrip.py.
"""

import csv
import io
import zipfile

import pyogrio
import pytest

FORMATS = ["geojson", "gpkg", "shp", "fgb", "csv", "kml"]


def _ids(fmt: str, content: bytes, tmp_path) -> list[str]:
    """Feature ids in a downloaded file, read with pyogrio (csv: the csv module)."""
    if fmt == "csv":
        return [r["id"] for r in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]
    if fmt == "shp":
        zf = zipfile.ZipFile(io.BytesIO(content))
        zf.extractall(tmp_path)
        return [r["id"] for r in csv.DictReader(io.StringIO(zf.read("attributes.csv").decode("utf-8-sig")))]
    path = tmp_path / f"download.{fmt}"
    path.write_bytes(content)
    if fmt == "kml":
        pyogrio.set_gdal_config_options({"OGR_SKIP": "KML"})
        try:
            frame = pyogrio.read_dataframe(path)
        finally:
            pyogrio.set_gdal_config_options({"OGR_SKIP": None})
        column = next(c for c in ("id2", "id_1") if c in frame.columns)
        return list(frame[column])
    return list(pyogrio.read_dataframe(path)["id"])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "layer, params",
    [
        pytest.param("rail", {"kind": "metro"}, id="rail-metro"),
        pytest.param("counties", {"bbox": "106,29,107.5,30.5"}, id="counties-bbox"),
        pytest.param("waterways", {"year": "2029", "province": "chongqing"}, id="waterways-year-province"),
    ],
)
def test_filtered_download_holds_exactly_the_filtered_features(client, tmp_path, layer, params, fmt):
    everything = [f["id"] for f in client.get(f"/api/layers/{layer}").json()["features"]]
    expected = [f["id"] for f in client.get(f"/api/layers/{layer}", params=params).json()["features"]]
    assert 0 < len(expected) < len(everything)  # the filter selects something, and not everything
    r = client.get(f"/api/layers/{layer}/download", params=params | {"format": fmt})
    assert r.status_code == 200, r.text[:300]
    assert sorted(_ids(fmt, r.content, tmp_path)) == sorted(expected)


@pytest.mark.parametrize("fmt, status", [("xlsx", 422), ("", 422), ("GPKG", 422)])
def test_unknown_formats_are_refused(client, fmt, status):
    r = client.get("/api/layers/zones/download", params={"format": fmt})
    assert r.status_code == status and r.json()["description"]


def test_default_format_is_geojson(client):
    r = client.get("/api/layers/zones/download")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.headers["content-disposition"] == 'attachment; filename="chengyu-atlas-zones.geojson"'
    assert len(r.json()["features"]) == 12
