import pytest

from layers.registry import REGISTRY
from layers.spec import validate_frame


@pytest.fixture(scope="module")
def county_frame(catalog):
    return catalog.layers["counties"].frame


def test_counts_and_levels(county_frame, catalog):
    assert len(county_frame) == 221
    assert (county_frame["level"] == "county").all()
    assert county_frame["province"].value_counts().to_dict() == {"sichuan": 183, "chongqing": 38}
    assert len(catalog.layers["cities"].frame) == 21
    assert catalog.layers["provinces"].frame["name_zh"].tolist() == ["重庆市", "四川省"] or set(catalog.layers["provinces"].frame["name_zh"]) == {"重庆市", "四川省"}


def test_every_region_layer_validates(catalog):
    for d in REGISTRY:
        if d.spec.id in {"provinces", "cities", "counties"}:
            validate_frame(catalog.layers[d.spec.id].frame, d.spec)


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


def test_areas_are_measured_in_km2_and_add_up(county_frame, catalog):
    prov = catalog.layers["provinces"].frame.set_index("adcode")
    # Official areas: Chongqing 8.24万 km², Sichuan 48.6万 km².
    assert prov.loc["500000", "area_km2"] == pytest.approx(82_400, rel=0.01)
    assert prov.loc["510000", "area_km2"] == pytest.approx(486_000, rel=0.01)
    by_province = county_frame.groupby("province")["area_km2"].sum()
    assert by_province["chongqing"] == pytest.approx(prov.loc["500000", "area_km2"], rel=0.002)
    assert by_province["sichuan"] == pytest.approx(prov.loc["510000", "area_km2"], rel=0.002)


def test_economic_circle_membership_on_regions(county_frame, catalog):
    c = county_frame.set_index("adcode")
    assert c.loc["500101", "in_economic_circle"] == "full"
    assert c.loc["500154", "in_economic_circle"] == "partial"  # 开州
    assert c.loc["510727", "in_economic_circle"] == "no"  # 平武县, excluded from 绵阳
    assert c.loc["511781", "in_economic_circle"] == "no"  # 万源市, excluded from 达州
    assert c.loc["500242", "in_economic_circle"] == "no"  # 酉阳, not named
    city = catalog.layers["cities"].frame.set_index("adcode")
    assert city.loc["510100", "in_economic_circle"] == "full"  # 成都
    assert city.loc["510700", "in_economic_circle"] == "partial"  # 绵阳 minus 平武, 北川
    assert city.loc["513200", "in_economic_circle"] == "no"  # 阿坝
