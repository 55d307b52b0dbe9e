import pytest

from layers import economic_circle
from layers.context import CuratedData
from layers.datafiles import DATA_DIR
from layers.spec import validate_frame


@pytest.fixture(scope="module")
def circle(catalog):
    return validate_frame(catalog.layers["economic_circle"].frame, economic_circle.SPEC).set_index("id")


def test_chongqing_has_27_full_units_and_two_partial():
    membership = economic_circle.county_membership(CuratedData(DATA_DIR))
    chongqing = {a: m for a, m in membership.items() if a.startswith("50")}
    assert sum(m == "full" for m in chongqing.values()) == 27
    assert sorted(a for a, m in chongqing.items() if m == "partial") == ["500154", "500235"]


def test_sichuan_fifteen_cities_minus_named_counties():
    membership = economic_circle.county_membership(CuratedData(DATA_DIR))
    sichuan_full = {a[:4] for a, m in membership.items() if a.startswith("51") and m == "full"}
    assert sichuan_full == {"5101", "5103", "5105", "5106", "5107", "5109", "5110", "5111", "5113", "5114", "5115", "5116", "5117", "5118", "5120"}
    for excluded in ("510726", "510727", "511781", "511825", "511827"):
        assert membership[excluded] == "no"


def test_measured_area_brackets_the_documented_185000(circle):
    full = circle.loc["economic_circle:full", "area_km2"]
    partial = circle.loc["economic_circle:partial", "area_km2_drawn"]
    assert full < 185_000 < full + partial
    # Only part of 开州 and 云阳 belongs: never measured as the circle, drawn as an indicative extent.
    assert circle.loc["economic_circle:partial", "area_km2"] is None
    assert circle.loc["economic_circle:partial", "geometry_quality"] == "indicative"
    assert full == pytest.approx(181_500, rel=0.005)
    names = [m["name_zh"] for m in circle.loc["economic_circle:partial", "members"]]
    assert names == ["开州区", "云阳县"]
    assert "开州" in circle.loc["economic_circle:full", "notes"]
