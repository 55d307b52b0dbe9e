import pytest
import shapely

from geo.measure import area_km2
from geo.simplify import simplify_for_zoom, tolerance_deg
from layers import boundaries


def test_tolerance_halves_per_zoom():
    assert tolerance_deg(8) == pytest.approx(tolerance_deg(7) / 2)


@pytest.mark.parametrize("zoom", [5, 7, 9])
def test_coverage_simplification_leaves_no_gaps_or_slivers(zoom):
    counties = boundaries.counties()
    simple = simplify_for_zoom(counties, zoom)
    full_union = area_km2(counties.dissolve()).iloc[0]
    simple_union = area_km2(simple.dissolve()).iloc[0]
    sum_of_parts = area_km2(simple).sum()
    # No overlaps: the parts add up to their union; no gaps: union area is preserved.
    assert sum_of_parts == pytest.approx(simple_union, rel=1e-4)
    assert simple_union == pytest.approx(full_union, rel=2e-3)
    assert shapely.get_num_coordinates(simple.geometry.values).sum() < shapely.get_num_coordinates(counties.geometry.values).sum()
    assert simple.geometry.is_valid.all()


def test_rejects_out_of_range_zoom():
    with pytest.raises(ValueError):
        simplify_for_zoom(boundaries.provinces(), 25)
