"""GCJ-02 ⇄ WGS84 against values published by other implementations, never against our own output."""

import numpy as np
import pytest
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from geo.datum import gcj02_to_wgs84, geometry_gcj02_to_wgs84, geometry_wgs84_to_gcj02, wgs84_to_gcj02
from geo.measure import distance_m

# Published reference pairs (WGS84 lat, lon → GCJ-02 lat, lon): the test vectors of the
# eviltransform project, googollee/eviltransform python/test.py (commit 3416646a) and
# go/transform_test.go (commit 1643645a), the same three in both, used by many implementations.
REFERENCE = [
    pytest.param((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215), id="shanghai"),
    pytest.param((22.543847, 113.912316), (22.540796131694766, 113.9171764808363), id="shenzhen"),
    pytest.param((39.911954, 116.377817), (39.91334545536069, 116.38404722455657), id="beijing"),
]
#: wandergis/coordtransform README.md and test/app.js (lon, lat order there):
#: wgs84togcj02(116.404, 39.915) → [116.41024449916938, 39.91640428150164] and its one-step
#: approximate inverse gcj02towgs84(116.404, 39.915) → [116.39775550083061, 39.91359571849836].
COORDTRANSFORM_WGS_TO_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
COORDTRANSFORM_GCJ_TO_WGS_APPROX = ((116.404, 39.915), (116.39775550083061, 39.91359571849836))


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_forward_matches_reference(wgs, gcj):
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert float(lon) == pytest.approx(gcj[1], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[0], abs=1e-9)


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_inverse_recovers_wgs84_to_a_millimetre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(gcj[1], gcj[0])
    assert distance_m(float(lon), float(lat), wgs[1], wgs[0]) < 0.001


def test_coordtransform_reference_pair():
    (wlon, wlat), expected = COORDTRANSFORM_WGS_TO_GCJ
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert (float(lon), float(lat)) == pytest.approx(expected, abs=1e-9)


def test_exact_inverse_is_within_the_published_approximate_inverse():
    """coordtransform's one-step inverse is good to a metre or two (eviltransform README); ours is exact."""
    (glon, glat), (alon, alat) = COORDTRANSFORM_GCJ_TO_WGS_APPROX
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert distance_m(float(lon), float(lat), alon, alat) < 0.5
    # and the exact inverse maps back onto the input, which the one-step one does not to a millimetre
    flon, flat = wgs84_to_gcj02(lon, lat)
    assert distance_m(float(flon), float(flat), glon, glat) < 0.001


def test_arrays_convert_element_by_element():
    wgs = [r.values[0] for r in REFERENCE]
    gcj = [r.values[1] for r in REFERENCE]
    lon, lat = wgs84_to_gcj02(np.array([w[1] for w in wgs]), np.array([w[0] for w in wgs]))
    assert lon.tolist() == pytest.approx([g[1] for g in gcj], abs=1e-9)
    assert lat.tolist() == pytest.approx([g[0] for g in gcj], abs=1e-9)
    back_lon, back_lat = gcj02_to_wgs84(np.array([g[1] for g in gcj]), np.array([g[0] for g in gcj]))
    for blon, blat, w in zip(back_lon, back_lat, wgs):
        assert distance_m(float(blon), float(blat), w[1], w[0]) < 0.001


def test_geometries_convert_lon_lat_in_that_order():
    """Every vertex of a shapely geometry (x = longitude) converts to the published pair."""
    wgs = [(w[1], w[0]) for w, _ in (r.values for r in REFERENCE)]
    gcj = [(g[1], g[0]) for _, g in (r.values for r in REFERENCE)]
    for make in (LineString, MultiPoint, lambda pts: Polygon(pts)):
        converted = geometry_wgs84_to_gcj02(make(wgs))
        got = np.asarray(converted.exterior.coords if converted.geom_type == "Polygon" else
                         [c for g in getattr(converted, "geoms", [converted]) for c in g.coords])[: len(gcj)]
        assert got == pytest.approx(np.asarray(gcj), abs=1e-9), make
    back = geometry_gcj02_to_wgs84(Point(gcj[0]))
    assert distance_m(back.x, back.y, *wgs[0]) < 0.001
    back_line = geometry_gcj02_to_wgs84(LineString(gcj))
    for (x, y), w in zip(back_line.coords, wgs):
        assert distance_m(x, y, *w) < 0.001


def test_offset_near_wanzhou_is_about_500_m():
    lon, lat = wgs84_to_gcj02(108.408, 30.807)
    assert 300 < distance_m(108.408, 30.807, float(lon), float(lat)) < 700


def test_outside_china_is_unchanged():
    lon, lat = wgs84_to_gcj02(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert lon.tolist() == [2.35, -74.0] and lat.tolist() == [48.85, 40.7]
    back_lon, back_lat = gcj02_to_wgs84(np.array([2.35, -74.0]), np.array([48.85, 40.7]))
    assert back_lon.tolist() == [2.35, -74.0] and back_lat.tolist() == [48.85, 40.7]


# The published algorithm's box for "in China" (eviltransform go/transform.go outOfChina):
# lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271 is outside, the bounds are inside.
@pytest.mark.parametrize(
    "lon, lat, shifted",
    [
        pytest.param(72.004, 30, True, id="west-bound"),
        pytest.param(72.0039, 30, False, id="west-of-bound"),
        pytest.param(137.8347, 30, True, id="east-bound"),
        pytest.param(137.8348, 30, False, id="east-of-bound"),
        pytest.param(100, 0.8293, True, id="south-bound"),
        pytest.param(100, 0.8292, False, id="south-of-bound"),
        pytest.param(100, 55.8271, True, id="north-bound"),
        pytest.param(100, 55.8272, False, id="north-of-bound"),
    ],
)
def test_the_china_box_edges(lon, lat, shifted):
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert ((float(glon), float(glat)) != (lon, lat)) is shifted
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    if not shifted:
        assert (float(wlon), float(wlat)) == (lon, lat)


def test_single_precision_input_is_converted_at_double_precision():
    """float32 coordinates (as some files store them) are worked in float64: no metre-level loss."""
    wgs = [r.values[0] for r in REFERENCE]
    lon32 = np.array([w[1] for w in wgs], dtype=np.float32)
    lat32 = np.array([w[0] for w in wgs], dtype=np.float32)
    lon, lat = wgs84_to_gcj02(lon32, lat32)
    exact_lon, exact_lat = wgs84_to_gcj02(lon32.astype(float), lat32.astype(float))
    assert lon.dtype == lat.dtype == np.float64
    assert lon.tolist() == exact_lon.tolist() and lat.tolist() == exact_lat.tolist()
    back_lon, back_lat = gcj02_to_wgs84(lon32, lat32)
    exact_back_lon, exact_back_lat = gcj02_to_wgs84(lon32.astype(float), lat32.astype(float))
    assert back_lon.dtype == back_lat.dtype == np.float64
    assert back_lon.tolist() == exact_back_lon.tolist() and back_lat.tolist() == exact_back_lat.tolist()


def test_the_inverse_meets_its_stated_tolerance_across_china():
    """gcj02_to_wgs84 stops when the forward transform of its estimate is within 1e-10° of the input."""
    lon, lat = np.meshgrid(np.linspace(75, 135, 31), np.linspace(18, 53, 18))
    for glon, glat in zip(lon.ravel(), lat.ravel()):
        wlon, wlat = gcj02_to_wgs84(glon, glat)
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        assert abs(float(flon) - glon) < 1e-10 and abs(float(flat) - glat) < 1e-10, (glon, glat)
