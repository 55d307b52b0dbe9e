import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point

from geo.crs import CRS84_URI, ensure_crs, parse_crs
from geo.errors import CRSError


@pytest.mark.parametrize(
    "value, epsg",
    [
        pytest.param(4326, 4326, id="int"),
        pytest.param("4490", 4490, id="digits"),
        pytest.param("EPSG:3857", 3857, id="curie"),
        pytest.param("[EPSG:4490]", 4490, id="safe-curie"),
        pytest.param("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, id="ogc-uri"),
    ],
)
def test_parse_crs_forms(value, epsg):
    assert parse_crs(value) == CRS.from_epsg(epsg)


def test_parse_crs84():
    assert parse_crs(CRS84_URI) == CRS.from_user_input("OGC:CRS84")


@pytest.mark.parametrize("value", ["EPSG:99999999", "WGS84!", "../etc/passwd", ""])
def test_parse_crs_rejects(value):
    with pytest.raises(CRSError):
        parse_crs(value)


def test_ensure_crs_refuses_missing_crs_and_skips_same_crs():
    naive = gpd.GeoSeries([Point(106, 30)])
    with pytest.raises(CRSError):
        ensure_crs(naive)
    s = gpd.GeoSeries([Point(106, 30)], crs="EPSG:4326")
    assert ensure_crs(s) is s
    assert ensure_crs(s, 3857).crs == CRS.from_epsg(3857)
