"""The download writers on tiny frames whose files are worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, box

from api.writers import (
    WRITERS,
    _shp_names,
    declared_geometry,
    flatten,
    write_csv,
    write_fgb,
    write_gpkg,
    write_shapefile_zip,
)


def tiny(geometries, **columns) -> gpd.GeoDataFrame:
    n = len(geometries)
    data = {"id": [f"t:{i}" for i in range(n)], "name_zh": [f"名{i}" for i in range(n)]} | columns
    return gpd.GeoDataFrame(data, geometry=list(geometries), crs="EPSG:4326")


@pytest.mark.parametrize(
    "geometries, declared",
    [
        pytest.param([box(0, 0, 1, 1), box(2, 2, 3, 3)], "Polygon", id="polygons"),
        pytest.param([box(0, 0, 1, 1), MultiPolygon([box(2, 2, 3, 3), box(4, 4, 5, 5)])], "MultiPolygon", id="mixed-polygons"),
        pytest.param([LineString([(0, 0), (1, 1)]), MultiLineString([[(2, 2), (3, 3)]])], "MultiLineString", id="mixed-lines"),
        pytest.param([Point(0, 0), MultiPoint([(1, 1), (2, 2)]), None], "MultiPoint", id="mixed-points-and-none"),
        pytest.param([Point(0, 0), Point(1, 1)], "Point", id="points"),
        pytest.param([LineString([(0, 0), (1, 1)]), Point(0, 0)], "Unknown", id="lines-and-points"),
        pytest.param([None, None], "Unknown", id="no-geometry"),
    ],
)
def test_declared_geometry(geometries, declared):
    frame = tiny(geometries)
    out, got = declared_geometry(frame)
    assert got == declared
    if declared.startswith("Multi"):
        assert set(out.geom_type.dropna()) == {declared}  # singles promoted to one-part multis
        for before, after in zip(frame.geometry, out.geometry):
            assert (before is None and after is None) or before.equals(after)
        assert frame.geom_type.fillna("none").tolist() == [g.geom_type if g is not None else "none" for g in geometries]  # input untouched
    else:
        assert out is frame
    assert list(out.index) == list(frame.index) and out.crs == frame.crs


@pytest.mark.parametrize("writer", [write_gpkg, write_fgb], ids=["gpkg", "fgb"])
def test_gpkg_and_fgb_declare_and_name_the_layer(tmp_path, writer):
    frame = tiny([box(0, 0, 1, 1), MultiPolygon([box(2, 2, 3, 3), box(4, 4, 5, 5)])], flag=[True, False],
                 n=pd.Series([1, None], dtype=object))  # as the catalog holds an integer field with a null
    path = tmp_path / ("t.gpkg" if writer is write_gpkg else "t.fgb")
    path.write_bytes(writer(frame, "tiny"))
    info = pyogrio.read_info(path)
    assert pyogrio.list_layers(path)[0][0] == "tiny"
    assert info["geometry_type"] == "MultiPolygon" and info["crs"] == "EPSG:4326"
    assert dict(zip(info["fields"], info["dtypes"])) == {"id": "object", "name_zh": "object", "flag": "bool", "n": "int64"}
    back = pyogrio.read_dataframe(path).sort_values("id")
    assert back["flag"].tolist() == [True, False] and back["n"].iloc[0] == 1 and pd.isna(back["n"].iloc[1])


def test_fgb_has_a_spatial_index_unless_a_feature_has_no_geometry(tmp_path):
    located, unlocated = tmp_path / "a.fgb", tmp_path / "b.fgb"
    located.write_bytes(write_fgb(tiny([Point(0, 0), Point(1, 1)]), "tiny"))
    unlocated.write_bytes(write_fgb(tiny([Point(0, 0), None]), "tiny"))
    assert pyogrio.read_info(located)["capabilities"]["fast_spatial_filter"] is True
    assert pyogrio.read_info(unlocated)["capabilities"]["fast_spatial_filter"] is False
    assert len(pyogrio.read_dataframe(unlocated)) == 2


def test_gpkg_geometry_column_is_declared_for_qgis(tmp_path):
    path = tmp_path / "t.gpkg"
    path.write_bytes(write_gpkg(tiny([Point(0, 0), MultiPoint([(1, 1), (2, 2)])]), "tiny"))
    with sqlite3.connect(path) as db:
        assert db.execute("select geometry_type_name, srs_id from gpkg_geometry_columns").fetchall() == [("MULTIPOINT", 4326)]


def test_flatten_writes_lists_and_objects_as_json_and_keeps_the_rest():
    frame = tiny([Point(0, 0), Point(1, 1)], tags=[["万", "a"], []], info=[{"k": 1}, None], n=[1, 2])
    flat = flatten(frame)
    assert flat["tags"].tolist() == ['["万", "a"]', "[]"]
    assert flat["info"].iloc[0] == '{"k": 1}' and pd.isna(flat["info"].iloc[1])
    assert flat["n"].tolist() == [1, 2] and frame["tags"].tolist() == [["万", "a"], []]  # the input is not changed


def test_csv_spells_every_value(tmp_path):
    frame = tiny([Point(106.5, 29.25), None], flag=[True, False], tags=[["万州"], []], n=pd.Series([1.5, None], dtype=object))
    content = write_csv(frame, "tiny")
    assert content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["id", "name_zh", "flag", "tags", "n", "wkt"],
        ["t:0", "名0", "True", '["万州"]', "1.5", "POINT (106.5 29.25)"],
        ["t:1", "名1", "False", "[]", "", ""],
    ]


def test_shapefile_names_are_ten_characters_and_distinct():
    columns = ["area_km2", "area_km2_drawn", "area_km2_documented", "area_km2_by_province", "area_km2_by_part_documented", "id"]
    assert _shp_names(columns) == {
        "area_km2": "area_km2", "area_km2_drawn": "area_km2_d", "area_km2_documented": "area_km2_1",
        "area_km2_by_province": "area_km2_b", "area_km2_by_part_documented": "area_km2_2", "id": "id",
    }
    many = [f"population_{i:02d}" for i in range(12)]  # all cut to "population"
    names = _shp_names(many)
    assert [names[c] for c in many] == ["population", *[f"populatio{i}" for i in range(1, 10)], "populati10", "populati11"]


def _zip(frame) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(write_shapefile_zip(frame, "tiny")))


def test_a_shapefile_zip_of_one_kind_is_named_after_the_layer():
    zf = _zip(tiny([box(0, 0, 1, 1), MultiPolygon([box(2, 2, 3, 3), box(4, 4, 5, 5)])]))
    assert sorted(zf.namelist()) == ["attributes.csv", "fields.csv", "tiny.cpg", "tiny.dbf", "tiny.prj", "tiny.shp", "tiny.shx"]
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())


def test_a_shapefile_zip_of_several_kinds_has_one_file_per_kind(tmp_path):
    frame = tiny([box(0, 0, 1, 1), MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]]), LineString([(5, 5), (6, 6)]),
                  MultiPoint([(1, 1), (2, 2)]), Point(3, 3), None])
    zf = _zip(frame)
    stems = {n.rsplit(".", 1)[0] for n in zf.namelist() if not n.endswith(".csv")}
    assert stems == {"tiny_polygons", "tiny_lines", "tiny_points", "tiny_unlocated"}
    assert "tiny_unlocated.shp" not in zf.namelist() and "tiny_unlocated.dbf" in zf.namelist()
    zf.extractall(tmp_path)
    expected = {"tiny_polygons": ["t:0"], "tiny_lines": ["t:1", "t:2"], "tiny_points": ["t:3", "t:4"]}
    for stem, ids in expected.items():
        part = pyogrio.read_dataframe(tmp_path / f"{stem}.shp")
        assert part["id"].tolist() == ids, stem
    assert pyogrio.read_dataframe(tmp_path / "tiny_unlocated.dbf")["id"].tolist() == ["t:5"]
    fields = list(csv.reader(io.StringIO(zf.read("fields.csv").decode("utf-8"))))
    assert fields == [["field", "shapefile_field"], ["id", "id"], ["name_zh", "name_zh"]]
    attributes = list(csv.reader(io.StringIO(zf.read("attributes.csv").decode("utf-8-sig"))))
    assert attributes[0] == ["id", "name_zh", "wkt"] and [r[0] for r in attributes[1:]] == [f"t:{i}" for i in range(6)]
    assert all(r[2] == "" for r in attributes[1:])  # attributes only: geometry is in the shapefiles


@pytest.mark.parametrize("fmt, expected", [
    ("geojson", ("application/geo+json", "geojson")), ("gpkg", ("application/geopackage+sqlite3", "gpkg")),
    ("shp", ("application/zip", "zip")), ("fgb", ("application/vnd.flatgeobuf", "fgb")),
    ("csv", ("text/csv; charset=utf-8", "csv")), ("kml", ("application/vnd.google-earth.kml+xml", "kml")),
])
def test_media_types_and_extensions(fmt, expected):
    assert (WRITERS[fmt].media_type, WRITERS[fmt].extension) == expected


def test_geojson_writer_keeps_lists_as_lists():
    frame = tiny([Point(106.5, 29.25)], tags=[["万州"]], flag=[False])
    fc = json.loads(WRITERS["geojson"].write(frame, "tiny"))
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["properties"] == {"id": "t:0", "name_zh": "名0", "tags": ["万州"], "flag": False}


def test_flatten_reaches_columns_after_the_geometry():
    frame = gpd.GeoDataFrame({"geometry": [Point(0, 0)], "tags": [["a"]], "info": [{"k": "万"}]}, crs="EPSG:4326")
    flat = flatten(frame)
    assert flat["tags"].tolist() == ['["a"]'] and flat["info"].tolist() == ['{"k": "万"}']


def test_csv_files_end_lines_with_newline_only():
    frame = tiny([Point(0, 0), Point(1, 1)])
    assert b"\r" not in write_csv(frame, "tiny")
    zf = _zip(frame)
    assert b"\r" not in zf.read("fields.csv") and b"\r" not in zf.read("attributes.csv")


def test_kml_names_the_layer_and_each_placemark():
    kml = WRITERS["kml"].write(tiny([Point(106.5, 29.25), Point(107, 30)]), "tiny").decode("utf-8")
    assert '<Schema name="tiny"' in kml
    assert "<name>名0</name>" in kml and "<name>名1</name>" in kml
    assert "<coordinates>106.5,29.25</coordinates>" in kml  # longitude first, as KML wants
