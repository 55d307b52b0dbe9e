"""Direct dispatch (api.direct) answers exactly as FastAPI does: same status, headers and bytes.

Each URL is asked of two fresh apps over the same catalog, one with ``direct_routes`` and one
without, so both start with empty caches and see the same sequence of requests.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.direct import route_plan, routes
from api.settings import Settings

URLS = [
    # collection endpoints: the hot paths
    "/api/layers/counties",
    "/api/layers/counties?bbox=106,29,107.5,30.5",
    "/api/layers/counties?bbox=106,29,107.5,30.5&zoom=7",
    "/api/layers/counties?zoom=5&province=sichuan",
    "/api/layers/rail?status=under_construction&kind=high_speed",
    "/api/layers/rail?year=2025",
    "/api/layers/rail?q=%E6%88%90%E8%BE%BE",
    "/api/layers/ports?zone=zone:wandakai",
    "/ogc/collections/counties/items",
    "/ogc/collections/counties/items?limit=100&offset=50",
    "/ogc/collections/counties/items?limit=5000",
    "/ogc/collections/counties/items?bbox=106,29,107.5,30.5&limit=20",
    "/ogc/collections/counties/items?bbox=29,106,30.5,107.5&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
    "/ogc/collections/counties/items?crs=http://www.opengis.net/def/crs/EPSG/0/3857&limit=3",
    "/ogc/collections/rail/items?datetime=2021/2025&limit=5",
    "/ogc/collections/rail/items?kind=high_speed&limit=5",
    "/ogc/collections/counties/items?f=html&limit=5",
    "/ogc/collections/counties/items?f=json&limit=5&limit=7",
    "/api/search?q=wanzhou",
    "/api/search?q=%E4%B8%87%E5%B7%9E&limit=3",
    "/api/features/zone:wandakai",
    # bad input: the direct path declines, FastAPI answers
    "/api/layers/counties?bbox=1,2,3",
    "/api/layers/counties?zoom=99",
    "/api/layers/counties?zoom=abc",
    "/api/layers/counties?year=1800",
    "/api/layers/counties?kind=high_speed",
    "/api/layers/nowhere",
    "/ogc/collections/counties/items?limit=0",
    "/ogc/collections/counties/items?offset=-1",
    "/ogc/collections/counties/items?f=xml",
    "/ogc/collections/counties/items?datetime=2021-13-01",
    "/ogc/collections/counties/items?bbox-crs=EPSG:4326",
    "/ogc/collections/counties/items?colour=red",
    "/ogc/collections/nowhere/items",
    "/api/search",
    "/api/search?q=a&limit=1000",
    "/api/features/nothing:here",
    # routes without a plan pass through untouched
    "/api/layers",
    "/ogc/collections/counties",
    "/health",
]


def _app(catalog, direct: bool):
    settings = Settings(direct_routes=direct, raw_response_cache=False, warm_start=False)
    return TestClient(create_app(settings, catalog), raise_server_exceptions=False)


def _answer(client: TestClient, url: str, gzip: bool):
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    r = client.get(url, headers=headers)
    return r.status_code, sorted((k, v) for k, v in r.headers.items() if k != "content-security-policy"), r.content


@pytest.mark.parametrize("gzip", [True, False], ids=["gzip", "identity"])
@pytest.mark.parametrize("url", URLS)
def test_direct_answers_as_fastapi(catalog, url, gzip):
    assert _answer(_app(catalog, True), url, gzip) == _answer(_app(catalog, False), url, gzip)


def test_the_collection_endpoints_have_plans(catalog):
    """The endpoints whose speed matters qualify (if one stops qualifying, it silently goes
    back to FastAPI's per-request analysis: this says so)."""
    app = create_app(Settings(warm_start=False), catalog)
    planned = {route.name for route in routes(app.router) if route_plan(route) is not None}
    assert {"layer_geojson", "ogc_items", "ogc_item"} <= planned


def test_routes_that_need_fastapi_have_none(catalog):
    """Sync endpoints (run in a thread pool) and endpoints returning models keep FastAPI's path."""
    app = create_app(Settings(warm_start=False), catalog)
    plans = {route.name: route_plan(route) for route in routes(app.router) if getattr(route, "name", None)}
    assert plans["download_layer"] is None  # a plain def
    assert plans["health"] is None


def test_the_request_path_is_built_before_serving(catalog):
    """``build_request_path`` (called before forking) makes the middleware stack and the plans,
    so no worker's first request makes them; requests then go through what it built."""
    from api.app import build_request_path
    from api.direct import DirectRoutes

    app = create_app(Settings(warm_start=False), catalog)
    assert app.middleware_stack is None
    build_request_path(app)
    stack, layer, direct = app.middleware_stack, app.middleware_stack, None
    while layer is not None and direct is None:
        direct = layer if isinstance(layer, DirectRoutes) else None
        layer = getattr(layer, "app", None)
    assert direct is not None and direct._plans is not None
    plans = direct._plans
    assert any(plan is not None for _, _, plan in plans)
    assert TestClient(app).get("/api/layers/counties?bbox=106,29,107.5,30.5").status_code == 200
    assert app.middleware_stack is stack and direct._plans is plans  # used, not made again
