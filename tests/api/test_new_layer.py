"""Adding a project layer is one table row plus one YAML file: it then shows up everywhere."""

import shutil
from dataclasses import replace

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from layers.catalog import Catalog
from layers.datafiles import DATA_DIR
from layers.projects import ProjectLayer, project_builder, project_spec
from layers.registry import REGISTRY, LayerDef
from layers.spec import Presentation

CANAL = ProjectLayer(
    "canals", "canal", "canals.yaml", ("canal",), "运河", "Canals", "A throw-away layer for this test.", "LineString",
    Presentation("运河", "Canals", style="line", order=85, colour="#123456", legend=True),
)

ROW = {
    "id": "canal:wanzhou-kaizhou",
    "name_zh": "万开运河",
    "name_en": "Wanzhou-Kaizhou Canal",
    "kind": "canal",
    "places": [{"name_zh": "万州", "adcode": "500101"}, {"name_zh": "开州", "adcode": "500154"}],
    "mentions": [{"doc": "wdk_plan", "seed": "000_997ade5b59c3b5b6.txt", "quote": "万州区、开州区", "status_zh": "规划建设",
                  "period_start": 2024, "period_end": 2030}],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    for name in ("documents.yaml", "zones.yaml", "economic_circle.yaml", "economic_circle_sources.yaml", "gazetteer.csv"):
        shutil.copy(DATA_DIR / name, data / name)
    (data / "canals.yaml").write_text(yaml.safe_dump([ROW], allow_unicode=True), encoding="utf-8")
    base = [d for d in REGISTRY if d.spec.id in {"economic_circle", "zones", "counties"}]
    catalog = Catalog(base + [LayerDef(project_spec(CANAL), project_builder(CANAL))], data_dir=data).load()
    assert not catalog.errors, catalog.errors
    with TestClient(create_app(Settings(), catalog)) as c:
        yield c


def test_in_the_catalogue(client):
    entry = next(e for e in client.get("/api/layers").json()["layers"] if e["id"] == "canals")
    assert entry["feature_count"] == 1 and entry["group"] == "projects" and entry["depends_on"] == ["zones"]


def test_in_search(client):
    results = client.get("/api/search", params={"q": "万开运河"}).json()["results"]
    assert [r["id"] for r in results] == ["canal:wanzhou-kaizhou"] and results[0]["layer"] == "canals"


def test_in_ogc_with_its_period(client):
    assert "canals" in [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    items = client.get("/ogc/collections/canals/items", params={"datetime": "2026"}).json()
    assert items["numberMatched"] == 1 and items["features"][0]["properties"]["zones"] == ["zone:wandakai"]
    assert client.get("/ogc/collections/canals/items", params={"datetime": "2031/2035"}).json()["numberMatched"] == 0


def test_in_downloads(client):
    r = client.get("/api/layers/canals/download", params={"format": "gpkg"})
    assert r.status_code == 200 and r.content[:16] == b"SQLite format 3\x00"


def map_config(html: str) -> dict:
    """The config the map page hands to atlas.js."""
    import json
    import re

    return json.loads(re.search(r"AtlasMap\.init\((\{.*?\})\); \}\);", html).group(1))


def test_in_the_map_layer_control_and_config(client):
    html = client.get("/").text
    config = map_config(html)
    entry = next(e for e in config["layers"] if e["id"] == "canals")
    assert entry["label_zh"] == "运河" and entry["colour"] == "#123456" and entry["group"] == "projects"
    assert "canals" in config["groups"]  # a Leaflet feature group in the layer control
    assert "\\u8fd0\\u6cb3 Canals" in html or "运河 Canals" in html  # its label in the control


def test_a_spec_row_must_match_its_file_prefix(tmp_path):
    data = tmp_path
    shutil.copy(DATA_DIR / "documents.yaml", data / "documents.yaml")
    (data / "canals.yaml").write_text(yaml.safe_dump([ROW | {"id": "river:oops"}], allow_unicode=True), encoding="utf-8")
    from layers.context import CuratedData
    from layers.errors import LayerDataError
    from layers.projects import load_projects

    with pytest.raises(LayerDataError, match="must start with 'canal:'"):
        load_projects(CuratedData(data), replace(CANAL))
