"""Downloads proven: every layer, in every format with geometry, reads back (pyogrio) as its GeoJSON.

For each layer the API lists and each format of ``api.writers.WRITERS``:

- the GeoJSON download holds the catalog's features: every property equal to the built frame's
  value and of the JSON type the spec declares (booleans are booleans, arrays lists, objects dicts);
- GeoPackage and FlatGeobuf declare the geometry type (a polygon layer mixing Polygon and
  MultiPolygon is "MultiPolygon", never "Unknown"), keep longitude/latitude in that order and the
  GeoJSON's coordinates within its rounding (6 decimals), type booleans as booleans, and hold
  lists and objects as JSON text that parses back to the same value;
- the zipped Shapefile, KML and CSV (WKT) hold the same geometries and values in their own types
  (dBase logical fields; KML and CSV text).

A null stays null: False, 0, "" and [] are values, and none of them may come back as null (or
the other way round).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from api.writers import WRITERS
from layers.registry import registered_ids

LAYERS = registered_ids()
csv.field_size_limit(1 << 30)  # WKT of a detailed polygon is longer than the csv module's default limit
#: Formats of WRITERS that carry geometry, with how each is read back.
GEOMETRY_FORMATS = ["geojson", "gpkg", "fgb", "shp", "kml", "csv"]
#: GeoJSON coordinates are rounded to 6 decimals: half a unit of the last one, and float noise.
TOLERANCE = 0.5e-6 + 1e-9
FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "LineString", "MultiLineString": "LineString",
          "Polygon": "Polygon", "MultiPolygon": "Polygon"}
JSON_TYPES = {"boolean": (bool,), "integer": (int,), "number": (int, float), "string": (str,), "array": (list,), "object": (dict,)}


def test_every_listed_layer_and_geometry_format_is_covered(client):
    listed = [entry["id"] for entry in client.get("/api/layers").json()["layers"]]
    assert sorted(listed) == sorted(LAYERS)
    assert set(GEOMETRY_FORMATS) == set(WRITERS)  # a new writer needs a read-back here


# --- references -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fields(client) -> dict[str, dict[str, str]]:
    """Field name → declared type, per layer, from the catalogue."""
    return {e["id"]: {f["name"]: f["type"] for f in e["fields"]} for e in client.get("/api/layers").json()["layers"]}


_GEOJSON: dict[str, list[dict]] = {}


def geojson(client, layer: str) -> list[dict]:
    """The layer's GeoJSON download: the reference the other formats are compared with."""
    if layer not in _GEOJSON:
        r = client.get(f"/api/layers/{layer}/download", params={"format": "geojson"})
        assert r.status_code == 200, r.text[:300]
        _GEOJSON[layer] = r.json()["features"]
    return _GEOJSON[layer]


def plain(value):
    """A frame value as plain Python, independently of the code under test: None for NaN."""
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    return value


def is_null(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def parts(geom) -> list:
    return list(geom.geoms) if hasattr(geom, "geoms") else [geom]


def assert_same_geometry(expected: dict | None, got, where: str) -> None:
    """``got`` (shapely, lon/lat) is the GeoJSON geometry ``expected`` within its rounding."""
    if is_null(got):
        got = None
    if expected is None:
        assert got is None or got.is_empty, f"{where}: expected no geometry, got {got.geom_type}"
        return
    assert got is not None and not got.is_empty, f"{where}: geometry lost"
    exp = shape(expected)
    assert FAMILY[got.geom_type] == FAMILY[exp.geom_type], (where, exp.geom_type, got.geom_type)
    exp_parts, got_parts = parts(exp), parts(got)
    assert len(got_parts) == len(exp_parts), (where, len(exp_parts), len(got_parts))
    if FAMILY[exp.geom_type] == "Polygon":  # orientation and ring start may differ: normalise; order parts alike
        key = lambda p: tuple(np.round(p.bounds, 5))  # noqa: E731
        exp_parts = sorted((shapely.normalize(p) for p in exp_parts), key=key)
        got_parts = sorted((shapely.normalize(p) for p in got_parts), key=key)
    for e, g in zip(exp_parts, got_parts):
        ec, gc = shapely.get_coordinates(e), shapely.get_coordinates(g)
        if ec.shape == gc.shape:
            assert np.abs(ec - gc).max() <= TOLERANCE, f"{where}: coordinates differ by {np.abs(ec - gc).max():g}°"
        else:  # rounding merged neighbouring vertices of the GeoJSON copy
            assert shapely.hausdorff_distance(e, g) <= 2 * TOLERANCE, f"{where}: shapes differ"
    assert abs(got.bounds[0] - exp.bounds[0]) <= TOLERANCE and abs(got.bounds[1] - exp.bounds[1]) <= TOLERANCE, where


def declared_type(features: list[dict]) -> str:
    """The geometry type a GIS file should declare for these features (independently worked out)."""
    types = {f["geometry"]["type"] for f in features if f["geometry"]}
    families = {FAMILY[t] for t in types}
    if len(families) != 1:
        return "Unknown"
    family = families.pop()
    return family if types == {family} else "Multi" + family


def assert_typed_value(expected, got, declared: str, where: str, *, text_json: bool) -> None:
    """``got`` read from a typed format equals ``expected`` (a GeoJSON value) in the declared type."""
    if expected is None:
        assert is_null(got), f"{where}: null came back as {got!r}"
        return
    assert not is_null(got), f"{where}: {expected!r} came back as null"
    if declared == "boolean":
        assert isinstance(got, (bool, np.bool_)) and bool(got) is expected, f"{where}: {got!r} is not the boolean {expected!r}"
    elif declared in ("integer", "number"):
        assert not isinstance(got, (bool, np.bool_, str)) and float(got) == float(expected), f"{where}: {got!r} != {expected!r}"
    elif declared in ("array", "object"):
        assert isinstance(got, str) if text_json else True, f"{where}: {got!r} is not JSON text"
        assert json.loads(got) == expected, f"{where}: {got!r} != {expected!r}"
    else:
        assert got == expected, f"{where}: {got!r} != {expected!r}"


def as_text(value) -> str:
    """How the CSV writer spells a value (documented in api.writers: JSON for lists and objects)."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def assert_text_value(expected, got: str, declared: str, where: str) -> None:
    if expected is None:
        assert got == "", f"{where}: null came back as {got!r}"
    elif declared in ("array", "object"):
        assert json.loads(got) == expected, f"{where}: {got!r}"
    elif declared in ("integer", "number") and not isinstance(expected, bool):
        assert float(got) == float(expected), f"{where}: {got!r} != {expected!r}"
    else:
        assert got == as_text(expected), f"{where}: {got!r} != {as_text(expected)!r}"


def download(client, layer: str, fmt: str, tmp_path) -> bytes:
    r = client.get(f"/api/layers/{layer}/download", params={"format": fmt})
    assert r.status_code == 200, r.text[:300]
    writer = WRITERS[fmt]
    assert r.headers["content-type"].startswith(writer.media_type.split(";")[0])
    assert r.headers["content-disposition"] == f'attachment; filename="chengyu-atlas-{layer}.{writer.extension}"'
    return r.content


# --- the tests ----------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", LAYERS)
def test_geojson_holds_the_catalog_features_typed_as_the_spec_says(client, catalog, fields, layer):
    features = geojson(client, layer)
    frame = catalog.layers[layer].frame
    assert [f["id"] for f in features] == list(frame["id"])
    columns = [c for c in frame.columns if c != frame.geometry.name]
    declared = fields[layer]
    assert set(declared) <= set(columns)
    for feature, (_, row) in zip(features, frame.iterrows()):
        fid = feature["id"]
        assert feature["type"] == "Feature" and feature["properties"]["id"] == fid
        assert set(feature["properties"]) == set(columns), fid
        for col in columns:
            value = feature["properties"][col]
            assert value == plain(row[col]), (fid, col, value, row[col])
            if value is not None and col in declared:
                types = JSON_TYPES[declared[col]]
                assert isinstance(value, types) and not (declared[col] != "boolean" and isinstance(value, bool)), (fid, col, value)
        geom = row[frame.geometry.name]
        if geom is None or geom.is_empty:
            assert feature["geometry"] is None, fid
        else:
            assert_same_geometry(feature["geometry"], geom, f"{layer} {fid} geojson")


@pytest.mark.parametrize("fmt", ["gpkg", "fgb"])
@pytest.mark.parametrize("layer", LAYERS)
def test_gpkg_and_fgb_read_back_as_the_geojson(client, fields, tmp_path, layer, fmt):
    path = tmp_path / f"{layer}.{fmt}"
    path.write_bytes(download(client, layer, fmt, tmp_path))
    features = geojson(client, layer)
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326" and info["features"] == len(features)
    assert info["geometry_type"] == declared_type(features)
    if fmt == "gpkg":
        assert pyogrio.list_layers(path)[0][0] == layer
    dtypes = dict(zip(info["fields"], info["dtypes"]))
    table = pyogrio.read_dataframe(path)
    if fmt == "gpkg":
        assert list(table["id"]) == [f["id"] for f in features]
    else:  # FlatGeobuf's spatial index stores features in Hilbert order
        assert sorted(table["id"]) == sorted(f["id"] for f in features)
    if info["geometry_type"] != "Unknown":
        assert set(table.geom_type.dropna()) <= {info["geometry_type"]}  # promoted: one declared type throughout
    declared = fields[layer]
    for col, kind in declared.items():
        values = [f["properties"][col] for f in features if f["properties"][col] is not None]
        if kind == "boolean" and values:
            assert dtypes[col] == "bool", (col, dtypes[col])
        elif kind == "integer" and values:
            assert dtypes[col] in ("int64", "int32"), (col, dtypes[col])
        elif kind == "number" and values:
            assert dtypes[col] in ("float64", "int64", "int32"), (col, dtypes[col])
    rows = {row["id"]: row for _, row in table.iterrows()}
    for feature in features:
        row = rows[feature["id"]]
        where = f"{layer} {feature['id']} {fmt}"
        assert_same_geometry(feature["geometry"], row.geometry, where)
        for col, value in feature["properties"].items():
            assert_typed_value(value, row[col], declared.get(col, "string"), f"{where} {col}", text_json=True)


@pytest.mark.parametrize("layer", LAYERS)
def test_shapefile_zip_reads_back_as_the_geojson(client, fields, tmp_path, layer):
    zf = zipfile.ZipFile(io.BytesIO(download(client, layer, "shp", tmp_path)))
    zf.extractall(tmp_path)
    names = zf.namelist()
    features = geojson(client, layer)
    by_id = {f["id"]: f for f in features}
    declared = fields[layer]
    short = dict(csv.reader(io.StringIO(zf.read("fields.csv").decode("utf-8"))))
    short.pop("field")
    assert set(short) == set(features[0]["properties"]) and len(set(short.values())) == len(short)
    assert all(len(s) <= 10 for s in short.values())
    seen = []
    for shp in sorted(n for n in names if n.endswith(".shp")):
        stem = shp[:-4]
        assert {stem + ".prj", stem + ".cpg", stem + ".dbf", stem + ".shx"} <= set(names)
        assert zf.read(stem + ".cpg").decode().strip().upper() in {"UTF-8", "UTF8"}
        assert "WGS" in zf.read(stem + ".prj").decode() and "GEOGCS" in zf.read(stem + ".prj").decode()
        table = pyogrio.read_dataframe(tmp_path / shp)
        for _, row in table.iterrows():
            fid = row[short["id"]]
            seen.append(fid)
            where = f"{layer} {fid} shp"
            assert_same_geometry(by_id[fid]["geometry"], row.geometry, where)
            for col, value in by_id[fid]["properties"].items():
                got = row[short[col]]
                kind = declared.get(col, "string")
                if kind in ("array", "object", "string") and value is not None:
                    text = as_text(value)  # dBase text stops at 254 bytes; attributes.csv has it whole
                    assert isinstance(got, str) and text.startswith(got) and (got == text or len(got.encode()) >= 240), (where, col)
                else:
                    assert_typed_value(value, got, kind, f"{where} {col}", text_json=True)
    unlocated = [n for n in names if n.endswith(".dbf") and n[:-4] + ".shp" not in names]
    for dbf in unlocated:
        seen += list(pyogrio.read_dataframe(tmp_path / dbf)[short["id"]])
    assert sorted(seen) == sorted(by_id)  # every feature once, in one of the files
    assert {fid for fid, f in by_id.items() if f["geometry"] is None} == (
        set(pyogrio.read_dataframe(tmp_path / unlocated[0])[short["id"]]) if unlocated else set())
    full = list(csv.DictReader(io.StringIO(zf.read("attributes.csv").decode("utf-8-sig"))))
    assert [r["id"] for r in full] == [f["id"] for f in features]
    for feature, record in zip(features, full):
        for col, value in feature["properties"].items():
            assert_text_value(value, record[col], declared.get(col, "string"), f"{layer} {feature['id']} attributes.csv {col}")


@pytest.mark.parametrize("layer", LAYERS)
def test_kml_reads_back_as_the_geojson(client, fields, tmp_path, layer):
    path = tmp_path / f"{layer}.kml"
    path.write_bytes(download(client, layer, "kml", tmp_path))
    features = geojson(client, layer)
    pyogrio.set_gdal_config_options({"OGR_SKIP": "KML"})  # LIBKML reads the ExtendedData
    try:
        table = pyogrio.read_dataframe(path)
    finally:
        pyogrio.set_gdal_config_options({"OGR_SKIP": None})
    ids = {f["id"] for f in features}
    id_column = next(c for c in table.columns if c != "geometry" and set(table[c].dropna()) == ids)
    assert list(table[id_column]) == [f["id"] for f in features]
    declared = fields[layer]
    for feature, (_, row) in zip(features, table.iterrows()):
        where = f"{layer} {feature['id']} kml"
        assert row["Name"] == feature["properties"]["name_zh"], where
        assert_same_geometry(feature["geometry"], row.geometry, where)
        for col, value in feature["properties"].items():
            if col in ("id", "name_zh"):
                continue
            got = row[col]
            kind = declared.get(col, "string")
            if value is None:
                assert is_null(got) or got == "", (where, col, got)
            elif kind == "boolean":  # KML has no boolean: GDAL writes 0/1
                assert int(got) == int(value), (where, col, got)
            elif kind in ("integer", "number"):
                assert float(got) == pytest.approx(float(value), rel=1e-9), (where, col, got)
            elif kind in ("array", "object"):
                assert json.loads(got) == value, (where, col)
            else:
                assert got == value, (where, col, got)


@pytest.mark.parametrize("layer", LAYERS)
def test_csv_reads_back_as_the_geojson(client, fields, tmp_path, layer):
    content = download(client, layer, "csv", tmp_path)
    assert content.startswith("\ufeff".encode())
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    features = geojson(client, layer)
    assert [r["id"] for r in records] == [f["id"] for f in features]
    declared = fields[layer]
    for feature, record in zip(features, records):
        where = f"{layer} {feature['id']} csv"
        assert_same_geometry(feature["geometry"], shapely.from_wkt(record["wkt"]) if record["wkt"] else None, where)
        assert set(record) == set(feature["properties"]) | {"wkt"}
        for col, value in feature["properties"].items():
            assert_text_value(value, record[col], declared.get(col, "string"), f"{where} {col}")


@pytest.mark.parametrize("layer, expected", [
    ("counties", "MultiPolygon"), ("zones", "MultiPolygon"), ("provinces", "Polygon"),
    ("airports", "Point"), ("places", "Point"), ("rail", "Unknown"),
])
def test_qgis_sees_a_geometry_type_not_unknown(client, tmp_path, layer, expected):
    """What QGIS shows for the layer: GeoPackage's gpkg_geometry_columns and FlatGeobuf's header."""
    import sqlite3

    if layer in ("provinces", "airports", "places", "rail"):  # these follow the data: recompute, do not assume
        expected = declared_type(geojson(client, layer))
    path = tmp_path / f"{layer}.gpkg"
    path.write_bytes(download(client, layer, "gpkg", tmp_path))
    with sqlite3.connect(path) as db:
        (declared,) = db.execute("select geometry_type_name from gpkg_geometry_columns where table_name = ?", (layer,)).fetchone()
    assert declared == ("GEOMETRY" if expected == "Unknown" else expected.upper())
    fgb = tmp_path / f"{layer}.fgb"
    fgb.write_bytes(download(client, layer, "fgb", tmp_path))
    assert pyogrio.read_info(fgb)["geometry_type"] == expected
