"""Where a channel work is drawn on its river (layers.placement.river_section), on a made-up
river and units, and on the built waterways layer against the lengths the plans give."""

import pytest
from shapely.geometry import LineString, box

from layers.gazetteer import Location
from layers.placement import RouteRow, river_section

#: A river along the equator from 0° to 1° E (about 111 km); units are boxes across it.
RIVER = LineString([(0.0, 0.0), (0.25, 0.0), (0.5, 0.0), (0.75, 0.0), (1.0, 0.0)])
UNITS = {
    "110101": box(0.0, -0.1, 0.2, 0.1),  # the river runs through it from 0 to 0.2
    "110102": box(0.6, -0.1, 0.8, 0.1),  # …from 0.6 to 0.8
    "110103": box(0.3, 0.5, 0.4, 0.6),  # north of the river: not crossed
}
PLACES = {"甲": (0.1, 0.01), "乙": (0.9, -0.01), "远": (0.5, 0.5)}  # 远 lies ~55 km off the river
CITE = "general knowledge (unverified)"


def locate(name_zh, adcode):
    if name_zh in PLACES:
        lon, lat = PLACES[name_zh]
        return Location(name_zh=name_zh, adcode=adcode, quality="sited", kind="town", lon=lon, lat=lat)
    return Location(name_zh=name_zh, adcode=adcode, quality="unlocated", kind="none")


def point(name, adcode="110101"):
    return {"name_zh": name, "adcode": adcode, "source": CITE}


def section(**route):
    row = RouteRow.model_validate({"id": "waterway:test", "river": "测试河", **route})
    return river_section(RIVER, row, locate, UNITS.get, lambda code: f"unit {code}")


def span(geom):
    xs = [x for x, _ in geom.coords]
    return round(min(xs), 6), round(max(xs), 6)


def test_a_row_naming_the_whole_waterway_is_the_whole_river():
    got = section()
    assert got.geometry.equals(RIVER) and "whole waterway" in got.how


def test_located_ends_bound_the_stretch():
    got = section(**{"from": point("甲"), "to": point("乙", "110102")})
    assert span(got.geometry) == (0.1, 0.9)
    assert got.how == "between 甲 and 乙"


def test_an_unlocated_end_is_placed_mid_way_along_its_units_run():
    got = section(**{"from": point("无名", "110102"), "to": point("甲")})
    assert span(got.geometry) == (0.1, 0.7)  # the run through 110102 is 0.6–0.8
    assert "无名 not located: placed mid-way along the river's run through unit 110102 (110102)" in got.how


def test_a_section_bounded_by_a_unit_is_the_rivers_run_through_it():
    got = section(within=point("区", "110102"))
    assert span(got.geometry) == (0.6, 0.8)
    assert "through 区 (110102)" in got.how


@pytest.mark.parametrize(
    "route, why",
    [
        ({"within": point("区", "110103")}, "does not cross 区 (110103)"),
        ({"from": point("无名", "110103"), "to": point("甲")}, "no source locates 无名, and the river does not cross unit 110103"),
        ({"from": point("无名", "999999"), "to": point("甲")}, "the river does not cross unit 999999"),
        ({"from": point("甲")}, "names one end only (甲)"),
        ({"from": point("甲"), "to": point("甲")}, "fall within 1 km of each other"),
    ],
)
def test_a_stretch_that_cannot_be_bounded_has_no_geometry_never_the_whole_river(route, why):
    got = section(**route)
    assert got.geometry is None
    assert why in got.how


def test_an_end_off_the_river_is_said_so():
    got = section(**{"from": point("远"), "to": point("乙", "110102")})
    assert span(got.geometry) == (0.5, 0.9)
    assert "远 lies 55 km from the river as drawn" in got.how


# Lengths of stretches the texts bound by their ends or by a unit, from the shipping plan's
# project table (004_a9d4b781dc1e95d7.txt): 朝天门至涪陵段 "123 公里", 草街库 (重庆) "长 69 公里",
# 渠江重庆段航道整治工程 "全长 77 公里", 涪江重庆段航道整治工程 "全长 130 公里".
DOCUMENTED_KM = {
    "waterway:yangtze-chaotianmen-fuling": 123,
    "waterway:jialing-caojie-tail": 69,
    "waterway:qujiang-chongqing": 77,
    "waterway:fujiang-chongqing": 130,
}


@pytest.mark.parametrize("fid, km", DOCUMENTED_KM.items())
def test_a_stretch_is_drawn_about_as_long_as_the_plan_says(catalog, fid, km):
    row = catalog.get("waterways").frame.set_index("id").loc[fid]
    assert row["length_km_documented"] == km  # the curated figure is the table's
    assert row["geometry_quality"] == "schematic"
    assert row["length_km"] == pytest.approx(km, rel=0.25)


def test_no_stretch_is_drawn_as_its_whole_river(catalog):
    waterways = catalog.get("waterways").frame.set_index("id")
    rivers = catalog.get("rivers").frame
    whole = {}
    for rid, name, geom in zip(rivers["id"], rivers["name_zh"], rivers.geometry):
        if geom is not None:
            whole[rid] = whole[name] = geom
    checked = 0
    for fid, route in catalog.data.routes.items():
        if fid not in waterways.index or not (route.start or route.end or route.within):
            continue
        river = whole.get(route.river_id) or whole.get(route.river)
        geom = waterways.loc[fid, "geometry"]
        if river is None or geom is None:
            continue
        checked += 1
        assert geom.length < 0.95 * river.length, fid  # a proper part, not the river with a trim
    assert checked >= 10
