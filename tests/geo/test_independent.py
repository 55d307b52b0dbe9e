"""Expectations that do not come from the code under test: areas against the ellipsoid, bbox edges."""

import math

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

from geo.bbox import BBox, parse_bbox, parse_bbox_in_crs
from geo.errors import BBoxError
from geo.measure import area_km2
from layers import boundaries

#: Geodesic area on the WGS84 ellipsoid (Karney's algorithm in PROJ's geod), independent of the
#: Albers projection geo.measure uses.
GEOD = Geod(ellps="WGS84")


def geodesic_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


COUNTIES = {
    "500101": "万州区",  # large, north-east
    "500103": "渝中区",  # 23 km², a peninsula
    "510104": "锦江区",  # central Chengdu
    "513431": "昭觉县",  # far south-west of Sichuan
    "500154": "开州区",
}


@pytest.mark.parametrize("adcode", sorted(COUNTIES), ids=lambda a: f"{a}-{COUNTIES[a]}")
def test_county_areas_agree_with_the_ellipsoid(adcode):
    counties = boundaries.counties().set_index("adcode")
    assert counties.loc[adcode, "name_zh"] == COUNTIES[adcode]
    geom = counties.loc[adcode, "geometry"]
    measured = area_km2(gpd.GeoSeries([geom], crs="EPSG:4326")).iloc[0]
    assert measured == pytest.approx(geodesic_km2(geom), rel=1e-4)


@pytest.mark.parametrize("layer_id, ids", [
    ("counties", ["region:500101", "region:500103", "region:513431"]),
    ("provinces", ["region:500000", "region:510000"]),
])
def test_published_area_fields_agree_with_the_ellipsoid(catalog, layer_id, ids):
    frame = catalog.layers[layer_id].frame.set_index("id")
    for fid in ids:
        assert frame.loc[fid, "area_km2"] == pytest.approx(geodesic_km2(frame.loc[fid, "geometry"]), rel=1e-4), fid


def test_area_index_follows_the_input_and_reprojected_input_measures_the_same():
    cells = gpd.GeoSeries([box(106, 29, 107, 30), box(104, 30, 104.5, 30.5)], index=["a", "b"], crs="EPSG:4326")
    measured = area_km2(cells)
    assert list(measured.index) == ["a", "b"]
    assert measured["a"] == pytest.approx(geodesic_km2(cells["a"]), rel=1e-4)
    assert measured["b"] == pytest.approx(geodesic_km2(cells["b"]), rel=1e-4)
    frame = gpd.GeoDataFrame({"n": [1, 2]}, geometry=cells.to_crs(3857).values, index=["a", "b"], crs=3857)
    assert area_km2(frame).tolist() == pytest.approx(measured.tolist(), rel=1e-6)


# --- bbox edges -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("-180,-90,180,90", (-180, -90, 180, 90), id="whole-world"),
        pytest.param("-180,0,-179,1", (-180, 0, -179, 1), id="west-edge"),
        pytest.param("179,0,180,1", (179, 0, 180, 1), id="east-edge"),
        pytest.param("0,-90,1,-89", (0, -90, 1, -89), id="south-pole"),
        pytest.param("0,89,1,90", (0, 89, 1, 90), id="north-pole"),
        pytest.param("106.5,29.5,106.5,29.5", (106.5, 29.5, 106.5, 29.5), id="point-box"),
        pytest.param("106,29.5,107,29.5", (106, 29.5, 107, 29.5), id="flat-box"),
        pytest.param("106.5,29,106.5,30", (106.5, 29, 106.5, 30), id="thin-box"),
        pytest.param("-1e-9,-1e-9,0,0", (-1e-9, -1e-9, 0, 0), id="tiny-negative"),
    ],
)
def test_boxes_on_the_edges_are_accepted(text, expected):
    assert parse_bbox(text) == BBox(*expected)
    assert parse_bbox(text).as_tuple() == expected


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("-180.000001,-90,180,90", "minlon=-180.000001 is outside ±180", id="west-past-180"),
        pytest.param("-180,-90,180.000001,90", "maxlon=180.000001 is outside ±180", id="east-past-180"),
        pytest.param("-180,-90.000001,180,90", "minlat=-90.000001 is outside ±90", id="south-past-90"),
        pytest.param("-180,-90,180,90.000001", "maxlat=90.000001 is outside ±90", id="north-past-90"),
        pytest.param("0,91,1,92", "minlat=91.0 is outside ±90", id="both-lats-north"),
        pytest.param("181,0,182,1", "minlon=181.0 is outside ±180", id="both-lons-east"),
        pytest.param("106.0001,29,106,30", "minlon 106.0001 is greater than maxlon 106.0", id="inverted-by-a-hair"),
        pytest.param("106,29.0001,107,29", "minlat 29.0001 is greater than maxlat 29.0", id="inverted-lat-by-a-hair"),
        pytest.param("106,29,107,-inf", "maxlat must be finite", id="minus-infinity"),
        pytest.param("106,29,107", "got 3", id="three"),
        pytest.param("1,2,3,4,5", "got 5", id="five"),
        pytest.param("106,29,x,30", "maxlon is not a number", id="word"),
    ],
)
def test_boxes_past_the_edges_are_refused_with_the_reason(text, message):
    with pytest.raises(BBoxError) as info:
        parse_bbox(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "text, crs, expected",
    [
        pytest.param("-90,-180,90,180", "http://www.opengis.net/def/crs/EPSG/0/4326", (-180, -90, 180, 90), id="4326-world-lat-first"),
        pytest.param("29,106,30.5,107.5", "EPSG:4490", (106, 29, 107.5, 30.5), id="4490-lat-first"),
        pytest.param("106,29,107.5,30.5", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", (106, 29, 107.5, 30.5), id="crs84"),
        pytest.param("106,29,107.5,30.5", None, (106, 29, 107.5, 30.5), id="default"),
    ],
)
def test_bbox_crs_axis_order(text, crs, expected):
    assert parse_bbox_in_crs(text, crs).as_tuple() == pytest.approx(expected)


def test_web_mercator_box_becomes_the_envelope_of_its_corners():
    # Spherical Mercator by its formula (EPSG:3857, R = 6378137 m): x = R·λ, y = R·ln tan(π/4 + φ/2).
    R = 6378137.0

    def mercator(lon, lat):
        return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    (x0, y0), (x1, y1) = mercator(106, 29), mercator(107.5, 30.5)
    got = parse_bbox_in_crs(f"{x0},{y0},{x1},{y1}", "EPSG:3857").as_tuple()
    assert got == pytest.approx((106.0, 29.0, 107.5, 30.5), abs=1e-9)


@pytest.mark.parametrize(
    "text, crs, error",
    [
        pytest.param("-91,-180,90,180", "EPSG:4326", "outside ±90", id="4326-lat-past-90"),
        pytest.param("30.5,106,29,107.5", "EPSG:4326", "minlat 30.5 is greater", id="4326-inverted"),
        pytest.param("1,2,3", "EPSG:4326", "4 comma-separated", id="4326-three"),
        pytest.param("a,2,3,4", "EPSG:3857", "numbers", id="3857-word"),
        pytest.param("nan,0,1,1", "EPSG:3857", "finite", id="3857-nan"),
        pytest.param("0,0,inf,1", "EPSG:3857", "finite", id="3857-infinity"),
    ],
)
def test_bbox_crs_refusals(text, crs, error):
    with pytest.raises(BBoxError, match=error):
        parse_bbox_in_crs(text, crs)


def test_whole_world_box_selects_every_feature(client):
    total = len(client.get("/api/layers/counties").json()["features"])
    assert total == 221
    api = client.get("/api/layers/counties", params={"bbox": "-180,-90,180,90"})
    assert api.status_code == 200 and len(api.json()["features"]) == total
    ogc = client.get("/ogc/collections/counties/items", params={"bbox": "-180,-90,180,90", "limit": 1000}).json()
    assert ogc["numberMatched"] == total
    lat_first = client.get("/ogc/collections/counties/items", params={
        "bbox": "-90,-180,90,180", "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/4326", "limit": 1000}).json()
    assert lat_first["numberMatched"] == total


def test_a_point_box_selects_the_county_it_falls_in(client):
    # 解放碑, the centre of 渝中区 (and of no other county): 106.5770°E, 29.5574°N.
    counties = boundaries.counties().set_index("adcode")
    assert counties.loc["500103", "geometry"].contains(Point(106.577, 29.5574))
    ids = {f["id"] for f in client.get("/api/layers/counties", params={"bbox": "106.577,29.5574,106.577,29.5574"}).json()["features"]}
    assert ids == {"region:500103"}
