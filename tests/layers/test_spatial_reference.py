"""Positions against independent references (issue 11's targets).

References, checked in under tests/data with their sources:

- ``reference_seats_cpca.csv``: the district/county and prefecture centres of cpca 0.5.5 (PyPI,
  MIT; Amap-derived, GCJ-02), converted here with :func:`geo.datum.gcj02_to_wgs84`. Seats the
  gazetteer itself took from cpca (it says so in ``point_source``) are left out: a point is not
  checked against itself.
- ``reference_airports.csv``: airports-py 3.1.0 (PyPI, MIT) by ICAO code; some of its entries are
  rounded to whole arc-minutes (±1.8 km), which the test recognises and allows for.

Targets: median ≤ 2 km and ≥ 95 % within 5 km for urban seats and airports; every main planned
railway within 15 km of every city it serves.
"""

import csv
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point
from shapely.ops import nearest_points

from geo.datum import gcj02_to_wgs84
from geo.measure import distance_m

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@pytest.fixture(scope="module")
def seats(catalog):
    places = catalog.layers["places"].frame.set_index("id")
    out = []
    for r in _rows("reference_seats_cpca.csv"):
        fid = f"place:{r['adcode']}"
        if fid not in places.index or "cpca" in (places.loc[fid, "point_source"] or ""):
            continue
        lon, lat = gcj02_to_wgs84(float(r["lon_gcj02"]), float(r["lat_gcj02"]))
        p = places.loc[fid]
        out.append((r["name_zh"], distance_m(p["lon"], p["lat"], lon, lat) / 1000))
    return out


def test_urban_seats_are_where_the_towns_are(seats):
    km = np.array([d for _, d in seats])
    assert len(km) >= 190  # of the 242 counties and prefectures, those not sourced from cpca itself
    assert np.median(km) <= 2.0
    assert (km <= 5).mean() >= 0.95, sorted(seats, key=lambda s: -s[1])[:12]


def test_airports_are_at_the_airports(catalog):
    airports = catalog.layers["airports"].frame
    ref = {r["icao"]: r for r in _rows("reference_airports.csv")}
    km, rounded = [], []
    for geom, derivation in zip(airports.geometry, airports["derivation"]):
        if geom is None or "ICAO" not in derivation:
            continue
        icao = derivation.split("ICAO ")[1][:4]
        if icao not in ref or "airports-py" in derivation:
            continue  # sited from this very reference
        r = ref[icao]
        d = distance_m(geom.x, geom.y, float(r["lon"]), float(r["lat"])) / 1000
        whole_minutes = all(abs(float(v) * 60 - round(float(v) * 60)) < 1e-3 for v in (r["lat"], r["lon"]))
        (rounded if whole_minutes else km).append(d)
    assert len(km) >= 8
    assert np.median(km) <= 2.0 and max(km) <= 5.0, km
    assert all(d <= 20 for d in rounded)  # arc-minute references: only a sanity bound


# Cities a main planned railway serves, and where that is said: a seed quote, or the line's name.
SERVED = [
    ("rail:chongqing-kunming-hsr", ["510500", "511500", "500116", "500118"], "川南渝西: 渝昆高铁 via 江津、永川、泸州、宜宾"),
    ("rail:chengdu-dazhou-wanzhou-hsr", ["510100", "511700", "500101", "510900", "511300"], "name; 遂宁 and 南充 stations (published station list)"),
    ("rail:chengyu-middle-line-hsr", ["510100", "512021", "500111"], "资大 plan: 成渝中线 corridor through 安岳、大足"),
    ("rail:chongqing-wanzhou-hsr", ["500101", "500230", "500233"], "重庆都市圈: 渝万高铁 via 丰都、忠县"),
    ("rail:chongqing-xian-hsr", ["511700"], "万达开 plan: the 重庆至西安 belt through 达州"),
]


@pytest.mark.parametrize("line_id, adcodes, why", SERVED, ids=[s[0] for s in SERVED])
def test_main_lines_pass_the_cities_they_serve(catalog, line_id, adcodes, why):
    rail = catalog.layers["rail"].frame.set_index("id")
    line = rail.loc[line_id, "geometry"]
    assert line is not None and line.geom_type == "LineString"
    ref = {r["adcode"]: r for r in _rows("reference_seats_cpca.csv")}
    for adcode in adcodes:
        lon, lat = gcj02_to_wgs84(float(ref[adcode]["lon_gcj02"]), float(ref[adcode]["lat_gcj02"]))
        near = nearest_points(line, Point(lon, lat))[0]
        assert distance_m(near.x, near.y, lon, lat) <= 15_000, (ref[adcode]["name_zh"], why)


def test_long_lines_end_at_the_map_frame_in_map_responses(client):
    fc = client.get("/api/layers/rail").json()
    line = next(f for f in fc["features"] if f["id"] == "rail:zhengzhou-wanzhou-hsr")
    assert [e["toward_zh"] for e in line["properties"]["exits"]] == ["郑州"]
    xs = [c[0] for c in line["geometry"]["coordinates"]] if line["geometry"]["type"] == "LineString" else \
         [c[0] for part in line["geometry"]["coordinates"] for c in part]
    ys = [c[1] for c in line["geometry"]["coordinates"]] if line["geometry"]["type"] == "LineString" else \
         [c[1] for part in line["geometry"]["coordinates"] for c in part]
    from layers.placement import MAP_FRAME

    assert MAP_FRAME[0] - 1e-6 <= min(xs) and max(xs) <= MAP_FRAME[2] + 1e-6 and min(ys) >= MAP_FRAME[1] - 1e-6
    assert min(ys) >= MAP_FRAME[1] - 1e-6 and max(ys) <= MAP_FRAME[3] + 1e-6
    full = client.get("/ogc/collections/rail/items/rail:zhengzhou-wanzhou-hsr").json()
    assert max(c[0] for c in full["geometry"]["coordinates"]) > 113  # the full line reaches 郑州 (113.6°E)
