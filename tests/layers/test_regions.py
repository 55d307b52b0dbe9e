import pytest

from layers import cities, counties, provinces
from layers.spec import validate_frame


@pytest.fixture(scope="module")
def county_frame():
    return counties.build()


def test_counts_and_levels(county_frame):
    assert len(county_frame) == 221
    assert (county_frame["level"] == "county").all()
    assert county_frame["province"].value_counts().to_dict() == {"sichuan": 183, "chongqing": 38}
    assert len(cities.build()) == 21
    assert provinces.build()["name_zh"].tolist() == ["重庆市", "四川省"] or set(provinces.build()["name_zh"]) == {"重庆市", "四川省"}


def test_every_region_layer_validates():
    for module in (provinces, cities, counties):
        validate_frame(module.build(), module.SPEC)


@pytest.mark.parametrize(
    "adcode, name_zh, name_en, parent",
    [
        ("500101", "万州区", "Wanzhou District", "500000"),
        ("500233", "忠县", "Zhong County", "500000"),
        ("500241", "秀山土家族苗族自治县", "Xiushan Tujia and Miao Autonomous County", "500000"),
        ("511602", "广安区", "Guang'an District", "511600"),
        ("510116", "双流区", "Shuangliu District", "510100"),
        ("500230", "丰都县", "Fengdu County", "500000"),
    ],
)
def test_names_and_parents(county_frame, adcode, name_zh, name_en, parent):
    row = county_frame.set_index("adcode").loc[adcode]
    assert (row["name_zh"], row["name_en"], row["parent_adcode"]) == (name_zh, name_en, parent)


def test_areas_are_measured_in_km2_and_add_up(county_frame):
    prov = provinces.build().set_index("adcode")
    # Official areas: Chongqing 8.24万 km², Sichuan 48.6万 km².
    assert prov.loc["500000", "area_km2"] == pytest.approx(82_400, rel=0.01)
    assert prov.loc["510000", "area_km2"] == pytest.approx(486_000, rel=0.01)
    by_province = county_frame.groupby("province")["area_km2"].sum()
    assert by_province["chongqing"] == pytest.approx(prov.loc["500000", "area_km2"], rel=0.002)
    assert by_province["sichuan"] == pytest.approx(prov.loc["510000", "area_km2"], rel=0.002)


def test_economic_circle_membership_on_regions(county_frame):
    c = county_frame.set_index("adcode")
    assert c.loc["500101", "in_economic_circle"] == "full"
    assert c.loc["500154", "in_economic_circle"] == "partial"  # 开州
    assert c.loc["510727", "in_economic_circle"] == "no"  # 平武县, excluded from 绵阳
    assert c.loc["511781", "in_economic_circle"] == "no"  # 万源市, excluded from 达州
    assert c.loc["500242", "in_economic_circle"] == "no"  # 酉阳, not named
    city = cities.build().set_index("adcode")
    assert city.loc["510100", "in_economic_circle"] == "full"  # 成都
    assert city.loc["510700", "in_economic_circle"] == "partial"  # 绵阳 minus 平武, 北川
    assert city.loc["513200", "in_economic_circle"] == "no"  # 阿坝
