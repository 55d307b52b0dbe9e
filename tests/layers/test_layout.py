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
def test_each_element_touches_or_contains_the_places_its_text_names(frame, catalog, built, element_id):
    """Every element is checked: a drawn one against each place and each river, line or road it
    follows (at least one), an undrawn one says why (and check lists it, see below)."""
    row = frame.loc[element_id]
    if row["geometry"] is None:
        assert row["geometry_quality"] == "unlocated" and row["derivation"], element_id  # says why it is not drawn
        return
    checked = _followed_within_reach(row, built)
    units = boundaries.units_by_adcode()
    for place in row["places"]:
        if place["adcode"] not in units.index:
            continue  # outside the two provinces
        unit = gpd.GeoSeries([boundaries.counties().set_index("adcode").loc[boundaries.counties_of(place["adcode"])].geometry.union_all()], crs=4326).iloc[0]
        seat = catalog.data.gazetteer.locate(place["name_zh"], place["adcode"])
        assert row["geometry"].intersects(unit) or (seat.located and row["geometry"].distance(Point(seat.lon, seat.lat)) < 0.05), place
        checked += 1
    assert checked > 0, f"{element_id} is drawn, but from nothing its text names"


def _followed_within_reach(row, built) -> int:
    """Assert the element reaches every drawn river, line and road it follows; return how many.

    A band is at most half its width from what it follows (a band clipped to its plan's area
    may not contain a river that only runs past that area): 1° is at least 96 km here.
    """
    reach_deg = (row["width_km"] or 0) / 2 / 96 + 1e-6
    rivers = built("rivers")
    by_name = {}
    for name, aliases, geom in zip(rivers["name_zh"], rivers["aliases"], rivers.geometry):
        if geom is not None:
            for key in (name, *(aliases or [])):
                by_name.setdefault(key, geom)
    followed = [by_name[n] for n in row["follows_rivers"] if n in by_name]  # 綦江 and 琼江 are not in WDBII
    for column, layer_id in (("follows_rail", "rail"), ("follows_highways", "highways"), ("follows_network", "network")):
        if row[column]:
            lines = built(layer_id).set_index("id").geometry
            followed += [lines[fid] for fid in row[column] if lines.get(fid) is not None]
    for line in followed:
        assert row["geometry"].distance(line) <= reach_deg, (row.name, row["derivation"])
    return len(followed)


def test_a_cluster_of_a_cities_urban_area_is_its_core_not_the_whole_unit(frame):
    """万达开's 三组团 are "以万州区、达州市、开州区城区为支撑": the urban areas, not 16,000 km² of 达州."""
    counties = boundaries.counties().set_index("adcode")
    from shapely.geometry import Point

    # Urban seats (GeoNames, checked against cpca in gazetteer.csv): 开州 汉丰, 万州, 达州 通川.
    for element_id, adcode, seat in (("layout:wandakai-cluster-kaizhou", "500154", (108.4031, 31.1695)),
                                     ("layout:wandakai-cluster-wanzhou", "500101", (108.3741, 30.8160))):
        cluster = frame.loc[element_id]
        unit = counties.loc[adcode, "geometry"]
        assert cluster["geometry_quality"] == "indicative"
        assert cluster["geometry"].contains(Point(seat))
        assert unit.buffer(1e-6).contains(cluster["geometry"])
        assert cluster["geometry"].area < 0.1 * unit.area


def test_clusters_that_name_whole_units_are_those_units(frame):
    cluster = frame.loc["layout:cqmetro-cluster-same-city"]
    units = boundaries.counties().set_index("adcode").loc[["500120", "500116", "500115", "500119"], "geometry"].union_all()
    assert cluster["geometry_quality"] == "administrative"
    assert cluster["geometry"].symmetric_difference(units).area < 1e-9


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


def test_wandakai_counts_its_formula_apart_from_the_other_elements_its_plan_names(catalog):
    """一轴、两带、三组团: one axis, two belts, three clusters in the formula; the corridor, the
    barrier and the tourism and ecological belts named elsewhere in the plan are not in it."""
    frame = catalog.get("layout").frame
    wdk = frame[frame["plan"] == "wdk_plan"]
    in_formula = wdk[wdk["in_formula"] == True]  # noqa: E712
    assert sorted(in_formula["element_type"]) == ["axis", "belt", "belt", "cluster", "cluster", "cluster"]
    assert set(wdk[wdk["in_formula"] == False]["name_zh"]) >= {"三峡库区生态廊道", "秦巴山区生态屏障"}  # noqa: E712
    no_formula = frame[~frame["plan"].isin(set(frame.loc[frame["formula_zh"].notna(), "plan"]))]
    assert not no_formula["in_formula"].any()
