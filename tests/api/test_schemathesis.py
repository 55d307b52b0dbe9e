"""Property-based API testing: schemathesis generates requests from the app's own OpenAPI document;
no response may be a server error or break the documented schema.

The document names the catalog's layer and zone ids as enums and feature ids by example
(api.deps.document_catalog), so generated requests reach real layers. OpenAPI cannot say which
kinds or statuses a layer has, that a bbox's min must not exceed its max, or which feature ids
belong to which layer, so most of the cases against a layer also draw those query parameters from
the catalog's own values. Each test counts its own cases and checks them itself: the counts hold
whatever the order or selection of tests.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from geo.crs import SUPPORTED_OUTPUT_CRS
from layers.catalog import Catalog

_app = None


def _application():
    global _app
    if _app is None:
        _app = create_app(Settings(), Catalog().load())
    return _app


schema = schemathesis.openapi.from_asgi("/openapi.json", _application())
#: Every default check but "schema-valid data must be accepted": a bbox whose min exceeds its
#: max, or a filter the layer lacks, is rightly a 400 with a reason (tests/api/test_bad_input.py).
EXCLUDED = [schemathesis.checks.positive_data_acceptance]
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)
ALL_OPERATIONS_CASES = 400
LAYER_CASES = 1200
#: Of every ten cases against a layer, nine draw their query from the catalog's real values.
REAL_SHARE = 10


def catalog() -> Catalog:
    return _application().state.catalog


def test_the_document_names_real_ids():
    doc = _application().openapi()
    layers = doc["paths"]["/api/layers/{layer_id}"]["get"]["parameters"]
    enum = next(p for p in layers if p["name"] == "layer_id")["schema"]["enum"]
    assert enum == list(catalog().layers)
    zone = next(p for p in doc["paths"]["/zones/{zone_id}"]["get"]["parameters"] if p["name"] == "zone_id")
    assert "zone:wandakai" in zone["schema"]["enum"]
    feature = next(p for p in doc["paths"]["/api/features/{feature_id}"]["get"]["parameters"] if p["name"] == "feature_id")
    examples = feature["schema"]["examples"]
    assert len(examples) == len(catalog().layers) and all(catalog().feature(fid) for fid in examples)


def test_generated_requests_to_every_operation():
    """Schemathesis on every operation of the document, as generated: no 5xx, no schema breach."""
    count: Counter = Counter()

    @given(case=schema.as_strategy())
    @settings(max_examples=ALL_OPERATIONS_CASES, **SETTINGS)
    def run(case):
        response = case.call_and_validate(excluded_checks=EXCLUDED)
        count["cases"] += 1
        count[case.operation.path] += 1
        count["ok"] += response.status_code == 200

    run()
    print(f"schemathesis, every operation: {dict(count)}")
    assert count["cases"] >= ALL_OPERATIONS_CASES
    assert sum(1 for key in count if key.startswith("/")) == len(list(schema.get_all_operations()))
    assert count["ok"] > ALL_OPERATIONS_CASES // 4  # enum ids make many requests succeed


# --- requests against the layers, with real parameters ----------------------------------------

LAYER_OPERATIONS = schema.include(path_regex=r"\{layer_id\}")
FILTERS = {"kind": "kind", "status": "status", "zone": "zones", "province": "provinces", "cross_border": "cross_border"}


@lru_cache(maxsize=None)
def values(layer_id: str, column: str) -> list[str]:
    frame = catalog().layers[layer_id].frame
    if column not in frame.columns:
        return []
    out = set()
    for v in frame[column]:
        if isinstance(v, list):
            out |= {str(x) for x in v}
        elif isinstance(v, bool):
            out.add(str(v).lower())
        elif v is not None:
            out.add(str(v))
    return sorted(out)


def real_bbox(extent) -> st.SearchStrategy[tuple[float, float, float, float]]:
    """A lon/lat box that overlaps the layer's extent (min ≤ max), from a point to the whole extent."""
    west, south, east, north = extent
    lon = st.floats(west - 0.5, east + 0.5, allow_nan=False)
    lat = st.floats(south - 0.5, north + 0.5, allow_nan=False)
    return st.tuples(lon, lat, lon, lat).map(lambda b: (min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])))


def fmt_box(b) -> str:
    return ",".join(f"{v:.5f}" for v in b)


def with_bbox_crs(query: dict) -> dict:
    """Spread a drawn (bbox, bbox-crs) pair into its two parameters."""
    if "bbox" in query:
        query["bbox"], box_crs = query["bbox"]
        if box_crs:
            query["bbox-crs"] = box_crs
    return query


@lru_cache(maxsize=None)
def real_query(layer_id: str, path: str) -> st.SearchStrategy[dict]:
    """Query parameters a client of this layer would send, drawn from the catalog."""
    layer = catalog().layers[layer_id]
    spec = layer.spec
    # A layer with nothing located has no extent: boxes around the two provinces then.
    extent = layer.bbox or [97.3, 26.0, 110.2, 34.3]
    optional: dict[str, st.SearchStrategy] = {"bbox": real_bbox(extent).map(fmt_box)}
    kinds = values(layer_id, "kind")
    if path.startswith("/api/layers"):
        for name, column in FILTERS.items():
            if values(layer_id, column) and name == "cross_border":  # a boolean: one value
                optional[name] = st.sampled_from(values(layer_id, column))
            elif values(layer_id, column):  # any of several values, comma-separated
                optional[name] = st.lists(st.sampled_from(values(layer_id, column)), min_size=1, max_size=2, unique=True).map(",".join)
        if spec.temporal_fields:
            optional["year"] = st.integers(2015, 2040)
        words = sorted({w for name in layer.frame["name_zh"] for w in (name[:2], name[-2:]) if w})
        optional["q"] = st.sampled_from(words)
        if path.endswith("/download"):
            return st.fixed_dictionaries({"format": st.sampled_from(["geojson", "gpkg", "fgb", "csv", "kml", "shp"])}, optional=optional)
        optional["zoom"] = st.integers(0, 18)
        return st.fixed_dictionaries({}, optional=optional)
    crs = st.sampled_from(sorted(SUPPORTED_OUTPUT_CRS))
    if path.endswith("{feature_id}"):
        return st.fixed_dictionaries({}, optional={"crs": crs})
    if path.endswith("/items"):
        optional |= {"limit": st.integers(1, 60), "offset": st.integers(0, len(layer.frame) + 5), "crs": crs}
        optional["bbox"] = real_bbox(extent).flatmap(lambda b: st.sampled_from([
            (fmt_box(b), None),
            (fmt_box(b), "http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
            (fmt_box((b[1], b[0], b[3], b[2])), "http://www.opengis.net/def/crs/EPSG/0/4326"),  # latitude first
        ]))
        if kinds:
            optional["kind"] = st.sampled_from(kinds)
        for column in ("status", "cross_border", "zones", "provinces"):
            if values(layer_id, column):
                optional[column] = st.sampled_from(values(layer_id, column))
        if spec.temporal_fields:
            optional["datetime"] = st.one_of(
                st.integers(2015, 2040).map(str),
                st.tuples(st.integers(2015, 2040), st.integers(0, 10)).map(lambda t: f"{t[0]}/{t[0] + t[1]}"),
                st.integers(2015, 2040).map(lambda y: f"../{y}-12-31"),
            )
        return st.fixed_dictionaries({}, optional=optional).map(with_bbox_crs)
    return st.fixed_dictionaries({})


@lru_cache(maxsize=None)
def feature_ids(layer_id: str) -> st.SearchStrategy[str]:
    return st.sampled_from(list(catalog().layers[layer_id].frame["id"]))


def test_generated_requests_reach_real_layers_with_real_parameters():
    """Over a thousand generated requests name a real layer and select from it with real bbox,
    filters, periods, CRSs and pages; none is a server error or breaks the schema."""
    count: Counter = Counter()

    @given(case=LAYER_OPERATIONS.as_strategy(), data=st.data())
    @settings(max_examples=LAYER_CASES, **SETTINGS)
    def run(case, data):
        count["cases"] += 1
        layer_id = case.path_parameters["layer_id"]
        real = data.draw(st.sampled_from([True] * (REAL_SHARE - 1) + [False]), label="real parameters")
        if real:
            case.query = data.draw(real_query(layer_id, case.operation.path))
            if "feature_id" in case.path_parameters:
                case.path_parameters["feature_id"] = data.draw(feature_ids(layer_id))
        response = case.call_and_validate(excluded_checks=EXCLUDED)
        assert layer_id in catalog().layers  # the enum: every generated layer id is real
        if real:
            assert response.status_code == 200, (case.operation.path, case.path_parameters, case.query, response.text[:300])
            count["real"] += 1
            count["real " + case.operation.path] += 1
            used = set(case.query or {})
            count["bbox"] += "bbox" in used
            count["filters"] += bool(used & (set(FILTERS) | {"zones", "provinces"}))
            count["period"] += bool(used & {"year", "datetime"})
            count["crs"] += "crs" in used
            count["paging"] += bool(used & {"limit", "offset"})
            content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
            body = response.json() if "json" in str(content_type) else None
            count["with features"] += bool(body and (body.get("features") or body.get("geometry")))

    run()
    print(f"schemathesis, layer operations: {dict(count)}")
    assert count["cases"] >= LAYER_CASES
    assert count["real"] >= 1000, count
    assert count["with features"] >= 500, count  # real parameters select real data
    for what in ("bbox", "filters", "period", "crs", "paging"):
        assert count[what] >= 25, (what, count)
    for operation in LAYER_OPERATIONS.get_all_operations():
        assert count["real " + operation.ok().path] >= 100, operation.ok().path
