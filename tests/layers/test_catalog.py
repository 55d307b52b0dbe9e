import subprocess
import sys

import pytest

from geo.bbox import parse_bbox
from layers.registry import registered_ids

REGISTRY = registered_ids()
from layers.catalog import LayerUnavailableError
from layers.query import FeatureQuery
from layers.errors import UnknownFeatureError, UnknownLayerError
from layers.spec import Field


def test_every_registered_layer_builds_and_validates(catalog):
    assert set(catalog.layers) == set(REGISTRY)
    for layer in catalog.layers.values():
        assert len(layer.frame) > 0
        assert layer.frame.crs.to_epsg() == 4326


def test_ids_are_unique_across_layers(catalog):
    ids = [fid for layer in catalog.layers.values() for fid in layer.frame["id"]]
    assert len(ids) == len(set(ids))


def test_importing_layers_pulls_in_neither_fastapi_nor_folium():
    code = "import sys, layers, layers.catalog, layers.zones; print(any(m in sys.modules for m in ('fastapi', 'folium')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "q, expected",
    [
        pytest.param("万达开", "zone:wandakai", id="alias-zh"),
        pytest.param("wandakai", "zone:wandakai", id="pinyin"),
        pytest.param("wdk", "zone:wandakai", id="initials"),
        pytest.param("Gaozhu New Area", "zone:gaozhu", id="english"),
        pytest.param("高滩茨竹", "zone:gaozhu", id="old-name"),
    ],
)
def test_text_query(catalog, q, expected):
    assert expected in catalog.select("zones", FeatureQuery(q=q)).items["id"].tolist()


def test_text_query_on_regions(catalog):
    assert catalog.select("counties", FeatureQuery(q="Wanzhou")).items["id"].tolist() == ["region:500101"]
    assert catalog.select("counties", FeatureQuery(q="500101")).items["id"].tolist() == ["region:500101"]
    assert catalog.select("counties", FeatureQuery(q="xyz-nothing")).items.empty


def test_bbox_query(catalog):
    hits = catalog.select("counties", FeatureQuery(bbox=parse_bbox("106,29,107.5,30.5"))).items
    assert "region:500103" in hits["id"].tolist()  # 渝中区
    assert "region:510104" not in hits["id"].tolist()  # 锦江区 (Chengdu)


def test_broken_layer_is_reported_and_others_serve(tiny_catalog):
    assert "broken" in tiny_catalog.errors and "broken.yaml" in tiny_catalog.errors["broken"]
    assert len(tiny_catalog.get("tiny").frame) == 2
    with pytest.raises(LayerUnavailableError):
        tiny_catalog.get("broken")
    with pytest.raises(UnknownLayerError):
        tiny_catalog.get("nope")
    with pytest.raises(UnknownFeatureError):
        tiny_catalog.feature("tiny:zzz")


def test_every_layer_encodes_each_rows_properties_as_its_frame_gives_them(catalog):
    """geo.geojson.encode_features reads rows from one object array; over every built layer
    (full frames and the map's zoom 7) the properties are byte for byte what a frame of the
    property columns gives."""
    from geo.geojson import encode_features
    from tests.geo.test_geojson import _reference_properties

    for layer_id, layer in catalog.layers.items():
        for frame in (layer.frame, catalog.map_frame(layer_id, 7)):
            encoded = encode_features(frame)
            assert [b"{" + e.split(b',"properties":{', 1)[1][:-1] for e in encoded] == _reference_properties(frame), layer_id


def test_a_summary_field_keeps_its_keys_one_item_per_distinct_result():
    mentions = Field("mentions", "array", "m", summary_keys=("doc", "doc_date"))
    value = [
        {"doc": "b", "doc_date": "2023", "quote": "一"},
        {"doc": "a", "doc_date": "2021", "quote": "二"},
        {"doc": "b", "doc_date": "2023", "quote": "三"},  # the same document again
        {"doc": "c", "quote": "四"},  # no date: kept as null
    ]
    assert mentions.summary(value) == [{"doc": "b", "doc_date": "2023"}, {"doc": "a", "doc_date": "2021"}, {"doc": "c", "doc_date": None}]
    assert mentions.summary(None) is None
    assert Field("aliases", "array", "a").summary(["x", "x"]) == ["x", "x"]  # no summary keys: as it is
    with pytest.raises(ValueError, match="summary_keys apply to arrays"):
        Field("name_zh", "string", "n", summary_keys=("doc",))


def test_zoom_level_frames_summarise_mentions_and_full_detail_keeps_them(catalog):
    full = catalog.get("highways").frame.set_index("id")["mentions"]
    for zoom, whole in ((7, False), (12, True)):
        shown = catalog.map_frame("highways", zoom).set_index("id")["mentions"]
        for fid, value in shown.items():
            if whole:
                assert value == full[fid]
            else:
                assert {m["doc"] for m in value} == {m["doc"] for m in full[fid]}
                assert all(set(m) == {"doc", "doc_title_zh", "doc_date"} for m in value)
