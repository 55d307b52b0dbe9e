import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from geo.errors import CRSError
from geo.measure import area_km2, distance_m, length_km


def test_area_of_one_degree_cell_matches_ellipsoid():
    # Exact ellipsoidal area of the 1°×1° cell 106–107°E, 29–30°N is 10,7xx km² (pyproj.Geod).
    from pyproj import Geod

    cell = box(106, 29, 107, 30)
    expected = abs(Geod(ellps="WGS84").geometry_area_perimeter(cell)[0]) / 1e6
    measured = area_km2(gpd.GeoSeries([cell], crs="EPSG:4326")).iloc[0]
    assert measured == pytest.approx(expected, rel=1e-3)


def test_area_refuses_frames_without_crs():
    with pytest.raises(CRSError):
        area_km2(gpd.GeoSeries([box(0, 0, 1, 1)]))


def test_length_is_geodesic_km():
    # One degree of latitude near 30°N is 110.85 km.
    s = gpd.GeoSeries([LineString([(106, 29.5), (106, 30.5)]), Point(0, 0)], crs="EPSG:4326")
    lengths = length_km(s)
    assert lengths.iloc[0] == pytest.approx(110.85, abs=0.05)
    assert lengths.iloc[1] == 0


def test_length_accepts_projected_input():
    s = gpd.GeoSeries([LineString([(106, 29.5), (106, 30.5)])], crs="EPSG:4326").to_crs(3857)
    assert length_km(s).iloc[0] == pytest.approx(110.85, abs=0.05)


def test_distance_m():
    assert distance_m(106, 30, 106, 30) == 0
    assert distance_m(106, 30, 107, 30) == pytest.approx(96_486, rel=1e-3)


def test_length_of_a_frame_keeps_its_index_and_marks_missing_geometry():
    from shapely.geometry import LineString as Line

    frame = gpd.GeoDataFrame(
        {"id": ["a", "b", "c", "d"]},
        geometry=[Line([(106, 29.5), (106, 30.5)]), None, Line(), Point(106, 30)],
        index=[10, 20, 30, 40],
        crs="EPSG:4326",
    )
    lengths = length_km(frame)
    assert list(lengths.index) == [10, 20, 30, 40]
    assert lengths[10] == pytest.approx(110.85, abs=0.05)
    assert np.isnan(lengths[20]) and np.isnan(lengths[30])  # no geometry, empty geometry: no length
    assert lengths[40] == 0


def test_area_of_a_frame_keeps_its_index():
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(106, 29, 107, 30)], index=["cell"], crs="EPSG:4326")
    assert list(area_km2(frame).index) == ["cell"]


def test_disc_with_area_has_the_area_asked_for_inside_its_region():
    """Checked against the ellipsoid (pyproj.Geod), not the projection the function uses."""
    from pyproj import Geod

    from geo.errors import GeoError
    from geo.measure import disc_with_area
    geod = Geod(ellps="WGS84")
    region = box(106.0, 29.0, 107.0, 30.0)  # ~10,700 km²
    for target in (50.0, 262.0, 2000.0):
        disc = disc_with_area(106.3, 29.4, region, target)
        area = abs(geod.geometry_area_perimeter(disc)[0]) / 1e6
        assert area == pytest.approx(target, rel=0.01), target
        assert region.buffer(1e-9).contains(disc) and disc.contains(Point(106.3, 29.4))
    clipped = disc_with_area(106.01, 29.5, region, 500.0)  # near the west edge: the disc is cut, and grows to make up
    assert abs(geod.geometry_area_perimeter(clipped)[0]) / 1e6 == pytest.approx(500.0, rel=0.01)
    assert clipped.bounds[0] == pytest.approx(106.0, abs=1e-6)
    small = box(106.4, 29.4, 106.6, 29.6)
    with pytest.raises(GeoError) as info:
        disc_with_area(106.5, 29.5, small, 5000.0)
    expected = round(abs(geod.geometry_area_perimeter(small)[0]) / 1e6)
    assert str(info.value) == f"the area to clip to ({expected:.0f} km²) is smaller than 5000.0 km²"
    tiny = disc_with_area(106.5, 29.5, small, 0.5)  # a radius of 0.4 km: the search starts at 0
    assert abs(geod.geometry_area_perimeter(tiny)[0]) / 1e6 == pytest.approx(0.5, rel=0.01)
