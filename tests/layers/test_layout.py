import geopandas as gpd
import pytest
from shapely.geometry import Point

from layers import boundaries, gazetteer, layout
from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.spec import validate_frame


@pytest.fixture(scope="module")
def frame(catalog):
    return validate_frame(catalog.layers["layout"].frame, layout.SPEC).set_index("id")


@pytest.fixture(scope="module")
def built(catalog):
    return lambda layer_id: catalog.layers[layer_id].frame


def test_every_plan_of_the_issue_has_elements(frame):
    plans = set(frame["plan"])
    assert {"wdk_plan", "cnyx_plan", "outline", "cq_metropolitan", "mingyueshan_plan", "ziyang_dazu_plan", "heguangchang_plan", "chengxuanwan_plan"} <= plans
    wdk = frame[(frame["plan"] == "wdk_plan") & (frame["formula_zh"] == "一轴、两带、三组团")]
    assert sorted(wdk["element_type"]) == ["axis", "belt", "belt", "cluster", "cluster", "cluster"]  # 一轴、两带、三组团
    assert set(wdk["formula_zh"]) == {"一轴、两带、三组团"}
    cnyx = set(frame[frame["plan"] == "cnyx_plan"]["name_zh"])
    assert {"沿长江发展轴", "成渝南线通道发展轴", "环重庆中心城区发展带", "内自宜发展带"} <= cnyx


def test_wandakai_axis_covers_the_yangtze_through_wanzhou_and_the_chengdu_dazhou_wanzhou_line(frame, built):
    axis = frame.loc["layout:wandakai-axis-wanda", "geometry"]
    wanzhou = boundaries.counties().set_index("adcode").loc["500101", "geometry"]
    yangtze = built("rivers").set_index("id").loc["river:changjiang", "geometry"]
    in_wanzhou = yangtze.intersection(wanzhou)
    assert in_wanzhou.length > 0 and axis.buffer(1e-6).contains(in_wanzhou)
    line = built("rail").set_index("id").loc["rail:chengdu-dazhou-wanzhou-hsr", "geometry"]
    zone = built("zones").set_index("id").loc["zone:wandakai", "geometry"]
    assert axis.buffer(1e-6).contains(line.intersection(zone))
    assert frame.loc["layout:wandakai-axis-wanda", "width_km"] == 20


@pytest.mark.parametrize("element_id", sorted(layout_ids := [r.id for r in CuratedData(DATA_DIR).rows("layout.yaml", layout.LayoutRow, layer="layout")]))
def test_each_element_touches_or_contains_the_places_its_text_names(frame, element_id):
    row = frame.loc[element_id]
    if row["geometry"] is None:
        pytest.skip("unlocated: listed by `python -m layers check`")
    units = boundaries.units_by_adcode()
    for place in row["places"]:
        if place["adcode"] not in units.index:
            continue  # outside the two provinces
        unit = gpd.GeoSeries([boundaries.counties().set_index("adcode").loc[boundaries.counties_of(place["adcode"])].geometry.union_all()], crs=4326).iloc[0]
        assert row["geometry"].intersects(unit) or row["geometry"].distance(Point(gazetteer.locate(place["adcode"]).lon, gazetteer.locate(place["adcode"]).lat)) < 0.05, place


def test_clusters_are_the_units_they_name(frame):
    cluster = frame.loc["layout:wandakai-cluster-kaizhou"]
    kaizhou = boundaries.counties().set_index("adcode").loc["500154", "geometry"]
    assert cluster["geometry_quality"] == "administrative"
    assert cluster["geometry"].symmetric_difference(kaizhou).area < 1e-9


def test_corridors_stay_inside_their_plan_area(frame, built):
    zones = built("zones").set_index("id")
    counties = boundaries.counties().set_index("adcode")
    for fid, row in frame[frame["scope"].str.startswith("zone:")].iterrows():
        if row["geometry"] is not None and row["element_type"] in {"axis", "belt", "corridor", "ring"}:
            area = zones.loc[row["scope"].split(" ")[0], "geometry"]
            for p in row["places"]:
                if p["adcode"] in boundaries.units_by_adcode().index:
                    area = area.union(counties.loc[boundaries.counties_of(p["adcode"])].geometry.union_all())
            assert area.buffer(1e-6).contains(row["geometry"]), fid


def test_unresolvable_elements_are_listed_by_check(catalog):
    from layers.__main__ import review_warnings

    unlocated = catalog.layers["layout"].frame.query("geometry_quality == 'unlocated'")["id"]
    warnings = "\n".join(review_warnings(catalog))
    assert len(unlocated) > 0
    for fid in unlocated:
        assert fid in warnings
