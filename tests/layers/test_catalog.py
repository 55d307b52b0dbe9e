import subprocess
import sys

import pytest

from geo.bbox import parse_bbox
from layers.registry import registered_ids

REGISTRY = registered_ids()
from layers.catalog import LayerUnavailableError
from layers.query import FeatureQuery
from layers.errors import UnknownFeatureError, UnknownLayerError


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
