"""Every download format round-trips through pyogrio with the same features and attributes."""

import io
import json
import zipfile

import pandas as pd
import pyogrio
import pytest

LAYERS = ["zones", "rail", "waterways", "counties"]
FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "shp": ("application/zip", "zip"),
    "fgb": ("application/vnd.flatgeobuf", "fgb"),
    "csv": ("text/csv", "csv"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
}


@pytest.fixture(scope="module")
def reference(client):
    out = {}
    for layer in LAYERS:
        fc = client.get(f"/api/layers/{layer}").json()
        out[layer] = {f["id"]: f["properties"] for f in fc["features"]}
    return out


def _norm(value):
    """A comparable form: containers as parsed JSON, numbers as float, blanks as None."""
    import numpy as np

    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, str):
        try:
            return float(value) if value.strip().lstrip("-").replace(".", "", 1).isdigit() else value
        except ValueError:
            return value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _same(expected, read) -> bool:
    a, b = _norm(expected), _norm(read)
    if isinstance(a, bool):
        return b in (True, 1.0, "true", "True") if a else b in (False, 0.0, "false", "False", None)
    if isinstance(a, float) and isinstance(b, float):
        return b == pytest.approx(a)
    if a == [] and b is None:
        return True  # an empty list is written as an empty value
    return a == b


def _read(fmt, content, tmp_path):
    if fmt == "csv":
        return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if fmt == "shp":
        zf = zipfile.ZipFile(io.BytesIO(content))
        zf.extractall(tmp_path)
        names = zf.namelist()
        assert "fields.csv" in names and "attributes.csv" in names
        for shp in [n for n in names if n.endswith(".shp")]:
            stem = shp[:-4]
            assert {stem + ".prj", stem + ".cpg", stem + ".dbf", stem + ".shx"} <= set(names)
            assert zf.read(stem + ".cpg").decode().strip().upper() in {"UTF-8", "UTF8"}
        parts = [pyogrio.read_dataframe(tmp_path / n) for n in names if n.endswith(".shp")]
        parts += [pyogrio.read_dataframe(tmp_path / n) for n in names if n.endswith(".dbf") and n[:-4] + ".shp" not in names]
        shp = pd.concat(parts, ignore_index=True)
        full = pd.read_csv(tmp_path / "attributes.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert sorted(shp["id"]) == sorted(full["id"])  # shapefiles and the full table agree
        return full
    path = tmp_path / f"layer.{fmt}"
    path.write_bytes(content)
    if fmt == "kml":
        pyogrio.set_gdal_config_options({"OGR_SKIP": "KML"})  # LIBKML reads the ExtendedData
        try:
            frame = pyogrio.read_dataframe(path)
        finally:
            pyogrio.set_gdal_config_options({"OGR_SKIP": None})
        return frame.rename(columns={"Name": "name_zh"}).drop(columns=["id"]).rename(columns={"id_1": "id"}) if "id_1" in frame else frame.rename(columns={"Name": "name_zh"})
    return pyogrio.read_dataframe(path)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("layer", LAYERS)
def test_round_trip(client, reference, tmp_path, layer, fmt):
    media, ext = FORMATS[fmt]
    r = client.get(f"/api/layers/{layer}/download", params={"format": fmt})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith(media)
    assert r.headers["content-disposition"] == f'attachment; filename="chengyu-atlas-{layer}.{ext}"'
    table = _read(fmt, r.content, tmp_path)
    expected = reference[layer]
    if fmt == "kml":
        assert len(table) == len(expected)
        assert sorted(table["name_zh"]) == sorted(p["name_zh"] for p in expected.values())  # Chinese intact
        assert sorted(table["name_en"]) == sorted(p["name_en"] for p in expected.values())
        return
    table = table.set_index("id")
    assert sorted(table.index) == sorted(expected)
    checked = ["name_zh", "name_en", "kind", "aliases", "sources", "geometry_quality"] + [
        c for c in ("members", "area_km2", "status", "cross_border", "zones", "period_start", "in_economic_circle") if c in next(iter(expected.values()))
    ]
    for fid, props in expected.items():
        for col in checked:
            value = table.loc[fid, col]
            assert _same(props[col], value), (fid, col, props[col], value)


def test_filtered_download_in_every_format(client, tmp_path):
    expected = {f["id"] for f in client.get("/api/layers/rail", params={"kind": "metro"}).json()["features"]}
    for fmt in ("gpkg", "fgb", "shp"):
        r = client.get("/api/layers/rail/download", params={"format": fmt, "kind": "metro"})
        folder = tmp_path / fmt
        folder.mkdir()
        table = _read(fmt, r.content, folder)
        assert set(table["id"]) == expected
