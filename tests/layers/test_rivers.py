import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from geo.errors import GeoError
from geo.network import LineNetwork
from layers import boundaries, rivers
from layers.context import CuratedData
from layers.datafiles import DATA_DIR

# Urban centres of county seats the rivers run through (WGS84); WDBII is good to ~2 km.
SEATS = {
    "river:changjiang": {"宜宾": (104.63, 28.77), "泸州": (105.44, 28.89), "重庆": (106.585, 29.565), "涪陵": (107.39, 29.71), "万州": (108.40, 30.81)},
    "river:jialingjiang": {"南充": (106.08, 30.80), "合川": (106.27, 29.99), "重庆": (106.585, 29.565)},
    "river:minjiang": {"乐山": (103.77, 29.56), "宜宾": (104.63, 28.77)},
    "river:tuojiang": {"内江": (105.06, 29.58), "泸州": (105.44, 28.89)},
    "river:fujiang": {"遂宁": (105.59, 30.53), "合川": (106.27, 29.99)},
    "river:zhouhe": {"达州": (107.47, 31.21)},
    "river:wujiang": {"涪陵": (107.39, 29.71)},
}
TOLERANCE_M = 2_500


@pytest.fixture(scope="module")
def river_frame(catalog):
    return catalog.layers["rivers"].frame.set_index("id")


def _distance_m(geom, lon, lat):
    a = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(32648)
    b = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(32648)
    return float(a.distance(b).iloc[0])


@pytest.mark.parametrize("river_id, seat", [(r, s) for r, seats in SEATS.items() for s in seats])
def test_rivers_pass_the_county_seats_they_are_known_to_pass(river_frame, river_id, seat):
    lon, lat = SEATS[river_id][seat]
    assert _distance_m(river_frame.loc[river_id, "geometry"], lon, lat) < TOLERANCE_M


@pytest.mark.parametrize("river_id", [r for r in SEATS])
def test_rivers_cross_the_counties_listed_in_the_data(river_frame, river_id):
    counties = boundaries.counties().set_index("adcode")
    for adcode in rivers.passes(CuratedData(DATA_DIR), river_id):
        assert river_frame.loc[river_id, "geometry"].intersects(counties.loc[adcode, "geometry"]), adcode


def test_rivers_are_real_centrelines_not_a_few_points(river_frame):
    drawn = river_frame[river_frame.geometry.notna()]
    for rid, geom in drawn.geometry.items():
        assert len(geom.coords) > 50, rid  # network vertices, not waypoints
    assert river_frame.loc["river:changjiang", "length_km"] > 700


def test_tributaries_end_at_their_receiving_river(river_frame):
    for rid in ("river:jialingjiang", "river:fujiang", "river:wujiang"):
        end = Point(river_frame.loc[rid, "geometry"].coords[-1])
        receiving = river_frame.loc[river_frame.loc[rid, "joins"], "geometry"]
        assert _distance_m(receiving, end.x, end.y) < 100


def test_rivers_missing_from_the_source_are_listed_not_drawn(river_frame):
    missing = river_frame[river_frame.geometry.isna()]
    assert set(missing["geometry_quality"]) <= {"unlocated"}
    assert all("not in the GSHHG" in n for n in missing["notes"])


def test_network_path_follows_lines_and_refuses_far_waypoints():
    net = LineNetwork([LineString([(0, 0), (0.5, 0), (1, 0)]), LineString([(1, 0.005), (1, 1)])], snap_m=1000)
    path = net.path([(0, 0), (1, 1)])
    assert list(path.coords)[0] == (0, 0) and list(path.coords)[-1] == (1, 1)
    with pytest.raises(GeoError, match="from the network"):
        net.path([(0, 0), (5, 5)])


def test_network_removes_out_and_back_detours():
    net = LineNetwork([LineString([(0, 0), (1, 0), (2, 0)]), LineString([(1, 0), (1, 0.5)])])
    path = net.path([(0, 0), (1, 0.5), (2, 0)])
    assert (1, 0.5) not in list(path.coords)
