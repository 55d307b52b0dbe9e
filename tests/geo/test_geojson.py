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
