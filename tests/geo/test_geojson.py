import json

import geopandas as gpd
import shapely
from shapely.geometry import Polygon

from geo.geojson import dumps, feature_collection


def test_rfc7946_orientation_rounding_and_no_crs():
    clockwise = Polygon([(106.1234567891, 29), (106, 30), (107, 30), (107, 29)])  # exterior clockwise
    assert not shapely.is_ccw(clockwise.exterior)
    frame = gpd.GeoDataFrame({"id": ["x"], "tags": [["a", "乙"]], "n": [float("nan")]}, geometry=[clockwise], crs="EPSG:4326")
    fc = json.loads(dumps(feature_collection(frame)))
    assert "crs" not in fc
    feature = fc["features"][0]
    assert feature["id"] == "x"
    assert feature["properties"] == {"id": "x", "tags": ["a", "乙"], "n": None}
    ring = feature["geometry"]["coordinates"][0]
    assert shapely.is_ccw(shapely.LinearRing(ring))
    assert [106.123457, 29.0] in ring


def test_reprojects_to_lon_lat():
    frame = gpd.GeoDataFrame({"id": ["p"]}, geometry=gpd.points_from_xy([106.5], [29.5]), crs="EPSG:4326").to_crs(3857)
    fc = feature_collection(frame)
    lon, lat = fc["features"][0]["geometry"]["coordinates"]
    assert (round(lon, 6), round(lat, 6)) == (106.5, 29.5)


def test_dumps_keeps_chinese_readable():
    assert "万州".encode() in dumps({"name": "万州"})


def test_a_ring_that_rounding_collapses_is_kept_not_an_error():
    import geopandas as gpd
    from shapely.geometry import Polygon

    from geo.geojson import feature_collection

    tiny = Polygon([(106.0, 29.0), (106.0004, 29.0), (106.0004, 29.0004), (106.0, 29.0004)])
    frame = gpd.GeoDataFrame({"id": ["t:1"]}, geometry=[tiny], crs="EPSG:4326")
    fc = feature_collection(frame, decimals=3)
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) >= 4 and ring[0] == ring[-1]


def test_dumps_is_compact_utf8_and_writes_nan_as_null():
    import numpy as np

    assert dumps({"a": [1, 2.5], "名": "万州"}) == '{"a":[1,2.5],"名":"万州"}'.encode("utf-8")
    assert dumps({"x": float("nan"), "y": np.float64("inf"), "n": np.int64(3)}) == b'{"x":null,"y":null,"n":3}'  # never "NaN"


def test_encoded_features_are_the_features_and_join_into_a_collection():
    import json

    from shapely.geometry import Point

    from geo.geojson import encode_features, features, join_features

    frame = gpd.GeoDataFrame({"id": ["p:1", "p:2"], "name_zh": ["万州", None], "tags": [["a", "b"], []],
                              "area": [1.5, float("nan")]}, geometry=[Point(108.4, 30.8), None], crs="EPSG:4326")
    encoded = encode_features(frame)
    assert [json.loads(b) for b in encoded] == features(frame)
    assert json.loads(encoded[0]) == {"type": "Feature", "id": "p:1", "geometry": {"type": "Point", "coordinates": [108.4, 30.8]},
                                      "properties": {"id": "p:1", "name_zh": "万州", "tags": ["a", "b"], "area": 1.5}}
    assert json.loads(encoded[1])["geometry"] is None and json.loads(encoded[1])["properties"]["area"] is None
    fc = json.loads(join_features(encoded[::-1], numberMatched=2, links=[{"rel": "self"}]))
    assert [f["id"] for f in fc["features"]] == ["p:2", "p:1"]
    assert (fc["type"], fc["numberMatched"], fc["links"]) == ("FeatureCollection", 2, [{"rel": "self"}])
    assert json.loads(join_features([])) == {"type": "FeatureCollection", "features": []}


def _reference_properties(frame) -> list[bytes]:
    """Each row's properties as a frame of the property columns gives them (``itertuples``),
    written by orjson as encode_features writes them: what it must match."""
    import orjson

    from geo.geojson import _JSON_OPTIONS, _default

    columns = [c for c in frame.columns if c != frame.geometry.name]
    return [orjson.dumps(dict(zip(columns, row)), default=_default, option=_JSON_OPTIONS)
            for row in frame[columns].itertuples(index=False, name=None)]


def test_encoded_properties_are_each_rows_values_whatever_their_dtype():
    """Rows are read from one object array (fast); every dtype must come out as a frame of the
    property columns gives it: ints, floats with NaN, bools, nullable ints with NA, dates with
    NaT, lists and dicts, with the geometry column anywhere among them."""
    import json

    import numpy as np
    import pandas as pd
    from shapely.geometry import Point

    from geo.geojson import encode_features

    frame = gpd.GeoDataFrame({
        "id": ["a", "b", "c"],
        "n": np.array([1, 2, 3], dtype=np.int64),
        "x": [1.25, float("nan"), -0.5],
        "ok": [True, False, True],
        "opt": pd.array([1, None, 3], dtype="Int64"),
        "when": pd.to_datetime(["2024-01-02", "2025-06-30", None]),
        "tags": [["甲", "b"], [], None],
        "meta": [{"k": 1}, {}, {"k": None}],
    }, geometry=[Point(106.5, 29.5), Point(107, 30), None], crs="EPSG:4326")
    frame = frame[["id", "n", "geometry", "x", "ok", "opt", "when", "tags", "meta"]]  # geometry not last
    encoded = encode_features(frame)
    props = [b'{' + e.split(b',"properties":{', 1)[1][:-1] for e in encoded]
    assert props == _reference_properties(frame)
    missing = json.loads(encoded[1])["properties"], json.loads(encoded[2])["properties"]
    assert missing[0]["x"] is None and missing[0]["opt"] is None and missing[1]["when"] is None  # NaN, NA, NaT: null
    assert json.loads(encoded[0])["properties"]["when"] == "2024-01-02T00:00:00"
    assert json.loads(encoded[0])["geometry"] == {"type": "Point", "coordinates": [106.5, 29.5]}


def test_jsonable_turns_numpy_and_nested_values_into_json():
    import numpy as np

    from geo.geojson import jsonable

    got = jsonable({1: np.int64(2), "f": np.float32(1.5), "b": np.bool_(True), "l": (np.int32(3), float("inf")),
                    "a": np.array([1.25, float("nan")]), "s": "万", "n": None})
    assert got == {"1": 2, "f": 1.5, "b": True, "l": [3, None], "a": [1.25, None], "s": "万", "n": None}
    assert type(got["1"]) is int and type(got["b"]) is bool and type(got["f"]) is float
    assert jsonable(2.75) == 2.75 and jsonable(float("-inf")) is None


def _frame(crs="EPSG:4326"):
    from shapely.geometry import LineString

    return gpd.GeoDataFrame(
        {"id": ["p", "l"], "name": ["点", "线"]},
        geometry=[shapely.Point(106.123456789, 29.987654321), LineString([(106.5, 29.5), (107.25, 30.75)])],
        index=[7, 9],
        crs=crs,
    )


def test_features_default_to_the_id_column_and_feature_members():
    from geo.geojson import features

    out = features(_frame())
    assert [f["type"] for f in out] == ["Feature", "Feature"]
    assert [f["id"] for f in out] == ["p", "l"]
    assert out[0]["properties"] == {"id": "p", "name": "点"}
    assert out[0]["geometry"] == {"type": "Point", "coordinates": [106.123457, 29.987654]}
    fc = feature_collection(_frame(), numberMatched=2)
    assert fc["type"] == "FeatureCollection" and fc["numberMatched"] == 2 and fc["features"] == out


def test_fewer_decimals_for_zoomed_responses():
    from geo.geojson import features

    out = features(_frame(), decimals=3)
    assert out[0]["geometry"]["coordinates"] == [106.123, 29.988]
    assert feature_collection(_frame(), decimals=3)["features"] == out


def test_output_crs_axis_order_and_rounding():
    """EPSG:4326 is latitude first; EPSG:3857 in metres, to the centimetre (formula: x = R·λ)."""
    import math

    from pyproj import CRS

    from geo.geojson import features

    lat_first = features(_frame(), crs=CRS.from_epsg(4326))
    assert lat_first[0]["geometry"]["coordinates"] == [29.987654, 106.123457]
    assert lat_first[1]["geometry"]["coordinates"] == [[29.5, 106.5], [30.75, 107.25]]
    assert feature_collection(_frame(), crs=CRS.from_epsg(4326))["features"] == lat_first
    lon_first = features(_frame(), crs=CRS.from_user_input("OGC:CRS84"))
    assert lon_first[0]["geometry"]["coordinates"] == [106.123457, 29.987654]
    mercator = features(_frame(), crs=CRS.from_epsg(3857))
    x, y = mercator[0]["geometry"]["coordinates"]
    R = 6378137.0
    assert x == round(R * math.radians(106.123456789), 2)
    assert y == round(R * math.log(math.tan(math.pi / 4 + math.radians(29.987654321) / 2)), 2)
    assert x != round(x, 1) or y != round(y, 1)  # the centimetres are kept


def test_rfc7946_geometries_swap_axes_on_request():
    import numpy as np

    from geo.geojson import rfc7946_geometries

    line = shapely.LineString([(106.5, 29.5), (107.0, 30.0)])
    swapped, kept = rfc7946_geometries(np.array([line, line]), swap_xy=True)[0], rfc7946_geometries(np.array([line]))[0]
    assert list(swapped.coords) == [(29.5, 106.5), (30.0, 107.0)]
    assert list(kept.coords) == [(106.5, 29.5), (107.0, 30.0)]
