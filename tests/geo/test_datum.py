import numpy as np
import pytest
from shapely.geometry import Polygon

from geo.datum import gcj02_to_wgs84, geometry_gcj02_to_wgs84, geometry_wgs84_to_gcj02, wgs84_to_gcj02
from geo.measure import distance_m

# Published reference pairs (lat, lon WGS84 → lat, lon GCJ-02): the test vectors of the
# eviltransform project (googollee/eviltransform), used by many implementations.
REFERENCE = [
    pytest.param((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215), id="shanghai"),
    pytest.param((22.543847, 113.912316), (22.540796131694766, 113.9171764808363), id="shenzhen"),
    pytest.param((39.911954, 116.377817), (39.91334545536069, 116.38404722455657), id="beijing"),
]


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_forward_matches_reference(wgs, gcj):
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert lon == pytest.approx(gcj[1], abs=1e-9)
    assert lat == pytest.approx(gcj[0], abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_inverse_recovers_wgs84_to_a_millimetre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(gcj[1], gcj[0])
    assert distance_m(lon, lat, wgs[1], wgs[0]) < 0.001


def test_coordtransform_reference_pair():
    # wandergis/coordtransform README: wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164]
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)


def test_offset_near_wanzhou_is_about_500_m():
    lon, lat = wgs84_to_gcj02(108.408, 30.807)
    assert 300 < distance_m(108.408, 30.807, float(lon), float(lat)) < 700


def test_outside_china_is_unchanged():
    lon, lat = wgs84_to_gcj02(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert lon.tolist() == [2.35, -74.0] and lat.tolist() == [48.85, 40.7]


def test_geometry_round_trip():
    poly = Polygon([(106.5, 29.5), (106.6, 29.5), (106.6, 29.6), (106.5, 29.5)])
    back = geometry_gcj02_to_wgs84(geometry_wgs84_to_gcj02(poly))
    assert np.allclose(np.asarray(back.exterior.coords), np.asarray(poly.exterior.coords), atol=1e-9)
