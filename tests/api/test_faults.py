"""Faults: a broken data file, a failing conversion. The service keeps running and says why."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from layers.datafiles import DATA_DIR

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken_data(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / "zones.yaml").read_text(encoding="utf-8")
    (data / "zones.yaml").write_text(text.replace("kind: new_area", "kind: space_station", 1), encoding="utf-8")
    (data / "rivers.yaml").unlink()
    return data


def test_check_names_file_row_and_reason(broken_data):
    out = subprocess.run([sys.executable, "-m", "layers", "check", "--data", str(broken_data)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert "zones.yaml row" in out.stdout and "zone:gaozhu" in out.stdout and "kind" in out.stdout
    assert "rivers.yaml: data file is missing" in out.stdout
    # Layers that read a broken layer are reported with the dependency that failed.
    assert "PROBLEM airports: DependencyError: needs zones" in out.stdout


def test_service_runs_and_reports_broken_layers(broken_data):
    script = (
        "import json, sys\n"
        "from fastapi.testclient import TestClient\n"
        "from api.app import create_app\n"
        "from api.settings import Settings\n"
        f"with TestClient(create_app(Settings(data_dir={str(broken_data)!r}))) as c:\n"
        "    layers = {e['id']: e for e in c.get('/api/layers').json()['layers']}\n"
        "    print(json.dumps({'zones': layers['zones'], 'airports': layers['airports'], 'rail_entry': layers['rail'],\n"
        "        'rail': c.get('/api/layers/rail').status_code, 'zones_status': c.get('/api/layers/zones').status_code,\n"
        "        'counties': c.get('/api/layers/counties').status_code,\n"
        "        'page': c.get('/').status_code, 'health': c.get('/health').json()['status']}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    import json

    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["zones"]["status"] == "error" and "zones.yaml" in result["zones"]["error"] and "row" in result["zones"]["error"]
    assert result["airports"]["status"] == "error" and "needs zones" in result["airports"]["error"]
    # A layer that reads the broken one is not built either, and says which dependency failed;
    # layers that do not depend on it still serve.
    assert result["rail"] == 503 and result["zones_status"] == 503
    assert result["rail_entry"]["status"] == "error" and "zones" in result["rail_entry"]["error"]
    assert result["counties"] == 200
    assert result["page"] == 200 and result["health"] == "degraded"


def test_failing_conversion_is_a_500_with_a_message_never_a_truncated_file(catalog, monkeypatch):
    from api import writers

    def explode(frame, name):
        raise OSError("disk full while writing")

    monkeypatch.setitem(writers.WRITERS, "gpkg", writers.Writer("application/geopackage+sqlite3", "gpkg", explode))
    with TestClient(create_app(Settings(), catalog), raise_server_exceptions=False) as c:
        r = c.get("/api/layers/ports/download", params={"format": "gpkg", "q": "万州"})
    assert r.status_code == 500
    assert r.headers["content-type"].startswith("application/json") and "content-disposition" not in r.headers
    assert "could not write ports as gpkg" in r.json()["description"]


def test_a_missing_project_file_is_reported_by_name(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "airports.yaml").unlink()
    from layers.catalog import Catalog

    catalog = Catalog(data_dir=data).load()
    assert set(catalog.errors) == {"airports", "places"}
    assert "airports.yaml: data file is missing" in catalog.errors["airports"]
    assert "needs airports" in catalog.errors["places"]
