"""The one query model on small frames whose answers are worked out by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.bbox import BBox
from layers.errors import QueryError
from layers.query import FeatureQuery, Page, Period, period_mask, property_mask


def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "kind": ["Metro", "high_speed", None, "metro"],
            "cross_border": [True, False, True, False],
            "zones": [["zone:wandakai"], [], None, ["zone:gaozhu", "zone:wandakai"]],
            "provinces": [["sichuan"], ["chongqing"], ["sichuan", "chongqing"], []],
            "period_start": pd.Series([2020, None, 2026, None], dtype=object),
            "period_end": pd.Series([2025, 2023, None, None], dtype=object),
            "named_since": pd.Series([2019, 2021, float("nan"), 2022], dtype=object),
        },
        geometry=[Point(106, 29), Point(107, 30), None, Point(108, 31)],
        crs="EPSG:4326",
    )


def ids(mask) -> list[str]:
    return list(frame()["id"][mask.to_numpy()])


# --- Period ---------------------------------------------------------------------------------------

def test_a_year_is_a_one_year_period():
    assert Period.year(2024) == Period(2024, 2024)


@pytest.mark.parametrize("start, end", [(2020, 2020), (None, 2020), (2020, None), (2019, 2020)])
def test_valid_periods(start, end):
    p = Period(start, end)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("start, end, message", [(None, None, "start or an end"), (2021, 2020, "ends before it starts")])
def test_invalid_periods(start, end, message):
    with pytest.raises(QueryError, match=message):
        Period(start, end)


# --- FeatureQuery and Page --------------------------------------------------------------------------

def test_key_names_every_part_of_the_query_and_unpaged_drops_only_paging():
    q = FeatureQuery(bbox=BBox(1, 2, 3, 4), q="wan", filters=(("kind", "metro"),), period=Period.year(2025), limit=10, offset=20)
    assert q.key() == (BBox(1, 2, 3, 4), "wan", (("kind", "metro"),), Period(2025, 2025), 10, 20)
    assert q.unpaged() == FeatureQuery(bbox=BBox(1, 2, 3, 4), q="wan", filters=(("kind", "metro"),), period=Period(2025, 2025))
    assert q.unpaged().key() == (BBox(1, 2, 3, 4), "wan", (("kind", "metro"),), Period(2025, 2025), None, 0)
    assert FeatureQuery().key() == (None, None, (), None, None, 0)


@pytest.mark.parametrize(
    "matched, limit, offset, returned, nxt, prev",
    [
        pytest.param(7, 3, 0, 3, 3, None, id="first-of-three"),
        pytest.param(7, 3, 3, 3, 6, 0, id="middle"),
        pytest.param(7, 3, 6, 1, None, 3, id="last-partial"),
        pytest.param(6, 3, 3, 3, None, 0, id="last-full: no next to an empty page"),
        pytest.param(6, 3, 0, 3, 3, None, id="first-full"),
        pytest.param(3, 3, 0, 3, None, None, id="one-full-page"),
        pytest.param(2, 3, 0, 2, None, None, id="one-partial-page"),
        pytest.param(0, 3, 0, 0, None, None, id="nothing"),
        pytest.param(7, 3, 1, 3, 4, 0, id="unaligned: prev clamps at 0"),
        pytest.param(7, 3, 10, 0, None, 7, id="past-the-end"),
        pytest.param(7, None, 0, 7, None, None, id="unpaged"),
        pytest.param(7, None, 2, 5, None, None, id="unpaged-offset"),
    ],
)
def test_page_offsets(matched, limit, offset, returned, nxt, prev):
    source = pd.concat([frame()] * 2, ignore_index=True)
    page = Page(FeatureQuery(limit=limit, offset=offset), matched, np.arange(returned), source)
    assert len(page.items) == returned
    assert (page.returned, page.next_offset, page.prev_offset) == (returned, nxt, prev)


# --- property_mask ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, value, expected",
    [
        pytest.param("kind", "metro", ["a", "d"], id="case-insensitive"),
        pytest.param("kind", "METRO", ["a", "d"], id="upper-case-value"),
        pytest.param("kind", "metro,high_speed", ["a", "b", "d"], id="any-of-several"),
        pytest.param("kind", " high_speed , ", ["b"], id="blanks-ignored"),
        pytest.param("kind", "none", [], id="null-never-matches"),
        pytest.param("cross_border", "true", ["a", "c"], id="bool-true"),
        pytest.param("cross_border", "1", ["a", "c"], id="bool-1"),
        pytest.param("cross_border", "YES", ["a", "c"], id="bool-yes"),
        pytest.param("cross_border", "false", ["b", "d"], id="bool-false"),
        pytest.param("cross_border", "0", ["b", "d"], id="bool-0"),
        pytest.param("cross_border", "no", ["b", "d"], id="bool-no"),
        pytest.param("zones", "zone:wandakai", ["a", "d"], id="list-contains"),
        pytest.param("zone", "ZONE:GAOZHU", ["d"], id="zone-names-the-zones-list"),
        pytest.param("zones", "zone:gaozhu,zone:nowhere", ["d"], id="list-any-of"),
        pytest.param("province", "chongqing", ["b", "c"], id="province-names-the-provinces-list"),
    ],
)
def test_property_mask(name, value, expected):
    assert ids(property_mask(frame(), name, value)) == expected


def test_province_prefers_a_province_column_where_there_is_one():
    f = frame().assign(province=["sichuan", "sichuan", "chongqing", None])
    assert ids(property_mask(f, "province", "sichuan")) == ["a", "b"]


@pytest.mark.parametrize(
    "name, value, message",
    [
        pytest.param("colour", "red", "no property 'colour'", id="unknown-property"),
        pytest.param("geometry", "x", "no property 'geometry'", id="geometry-is-not-a-property"),
        pytest.param("cross_border", "maybe", "must be true or false", id="bad-boolean"),
        pytest.param("cross_border", "true,false", "must be true or false", id="boolean-list"),
        pytest.param("kind", " , ", "needs a value", id="empty-value"),
    ],
)
def test_property_mask_refusals(name, value, message):
    with pytest.raises(QueryError, match=message):
        property_mask(frame(), name, value)


def test_a_boolean_column_is_recognised_past_leading_nulls():
    f = frame().assign(flag=[None, True, False, True])
    assert ids(property_mask(f, "flag", "true")) == ["b", "d"]
    assert ids(property_mask(f, "flag", "false")) == ["c"]


def test_a_list_column_is_recognised_past_leading_nulls():
    f = frame().assign(tags=[None, ["x"], [], ["X", "y"]])
    assert ids(property_mask(f, "tags", "x")) == ["b", "d"]


# --- period_mask ------------------------------------------------------------------------------------

FIELDS = ("period_start", "period_end")


@pytest.mark.parametrize(
    "period, expected",
    [
        pytest.param(Period.year(2024), ["a"], id="2024"),
        pytest.param(Period.year(2022), ["a", "b"], id="2022: open start of b"),
        pytest.param(Period.year(2023), ["a", "b"], id="2023: b's last year"),
        pytest.param(Period.year(2025), ["a"], id="2025: a's last year"),
        pytest.param(Period.year(2026), ["c"], id="2026: c's first year"),
        pytest.param(Period.year(2030), ["c"], id="2030: c's open end"),
        pytest.param(Period(2024, 2027), ["a", "c"], id="interval-overlaps"),
        pytest.param(Period(None, 2019), ["b"], id="open-start-interval"),
        pytest.param(Period(2026, None), ["c"], id="open-end-interval"),
        pytest.param(Period(2020, 2020), ["a", "b"], id="a's first year"),
        pytest.param(Period.year(2019), ["b"], id="2019: before a"),
    ],
)
def test_period_mask_without_fallback(period, expected):
    mask = period_mask(frame(), FIELDS, period)
    assert mask.dtype == bool and list(mask.index) == list(frame().index)
    assert ids(mask) == expected  # d has no period at all: never matches


@pytest.mark.parametrize(
    "period, expected",
    [
        pytest.param(Period.year(2021), ["a", "b"], id="2021: d named only in 2022"),
        pytest.param(Period.year(2022), ["a", "b", "d"], id="2022: d from its first naming on"),
        pytest.param(Period.year(2040), ["c", "d"], id="2040: open ends"),
        pytest.param(Period(None, 2021), ["a", "b"], id="open-start"),
    ],
)
def test_period_mask_with_fallback_start(period, expected):
    assert ids(period_mask(frame(), FIELDS, period, "named_since")) == expected


def test_period_mask_needs_period_fields():
    with pytest.raises(QueryError, match="no period"):
        period_mask(frame(), None, Period.year(2020))


def test_messages_name_what_is_wrong():
    with pytest.raises(QueryError) as info:
        Period(None, None)
    assert str(info.value) == "a period needs a start or an end year"
    with pytest.raises(QueryError) as info:
        period_mask(frame(), None, Period.year(2020))
    assert str(info.value) == "this layer has no period to filter by year or datetime"
    with pytest.raises(QueryError) as info:
        property_mask(frame(), "cross_border", "y" * 50)
    assert str(info.value) == f"cross_border must be true or false, got {'y' * 40!r}"


def test_masks_follow_the_frame_index():
    f = frame().set_axis([10, 20, 30, 40])
    period = period_mask(f, FIELDS, Period.year(2024))
    assert list(period.index) == [10, 20, 30, 40] and period.tolist() == [True, False, False, False]
    prop = property_mask(f, "kind", "metro")
    assert list(prop.index) == [10, 20, 30, 40] and prop.tolist() == [True, False, False, True]


def test_a_column_of_nulls_matches_nothing():
    f = frame().assign(note=[None, None, None, None])
    assert property_mask(f, "note", "x").tolist() == [False] * 4


# --- Layer.intersecting: the index query, and its shortcut for a box around everything -----------

def _layer(geometries):
    from layers.catalog import Layer

    gdf = gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(geometries))]}, geometry=geometries, crs="EPSG:4326")
    return Layer(spec=None, frame=gdf, version="v", search_text=pd.Series([""] * len(gdf)))


LINE_AND_POINTS = [Point(106, 29), None, Point(107, 30).buffer(0.5), Point(108, 31), Point()]


@pytest.mark.parametrize("box, expected", [
    ((100, 20, 120, 40), [0, 2, 3]),          # around everything: every located row, no missing or empty one
    ((105.9, 28.9, 108.1, 31.1), [0, 2, 3]),  # just around the extent
    ((106.5, 29.5, 107.5, 30.5), [2]),        # inside the polygon only
    ((106, 29, 106, 29), [0]),                # a degenerate box on a point
    ((109, 32, 110, 33), []),                 # beside everything
])
def test_intersecting_selects_the_rows_whose_geometry_meets_the_box(box, expected):
    assert _layer(LINE_AND_POINTS).intersecting(box).tolist() == expected


def test_a_layer_with_nothing_located_selects_nothing():
    assert _layer([None, Point()]).intersecting((-180, -90, 180, 90)).tolist() == []
