"""The app factory: settings and catalog in, FastAPI app out."""

from __future__ import annotations

import gc
import hashlib
import threading
import time
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from api.deps import catalog_openapi
from api.direct import DirectRoutes
from api.errors import register_error_handlers
from api.routes import features, layers, ogc, pages, search
from api.caching import FeatureBytes, RawResponseCache, ResponseCache, ResultCache, cache_budget
from api.security import QueryStringGuard, SecurityHeaders
from api.settings import Settings
from api.static import CompressedStaticFiles
from layers.catalog import Catalog

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _static_version() -> str:
    digest = hashlib.sha256()
    for name in ("atlas.js", "atlas.css"):
        path = STATIC_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class StartActivity:
    """How busy the server has been since its start, until the warm-up is done.

    The warm-up (:func:`warm_first_map`) makes the first map's responses in a thread; it waits
    for a quiet moment (:data:`QUIET` seconds with no request in flight), so the first requests
    after a start — a health check, a probe, a first visitor's page and its layers — are not
    answered behind it, and between its steps it waits again, briefly (:data:`STEP_QUIET`): a
    visitor who comes while it works is answered first (measured: a page arriving as the
    warm-up began waited up to half a second for its first layer). :class:`CountStartRequests`
    counts the requests until the warm-up is done.
    """

    #: Seconds without a request before warming; between warming steps; the longest it waits.
    QUIET = 0.5
    STEP_QUIET = 0.05
    LONGEST = 10.0

    def __init__(self):
        self.warming = False  # the warm-up has begun
        self.done = False  # it has ended: requests are no longer counted
        self.in_flight = 0
        self.last = time.monotonic()

    def wait_for_quiet(self, quiet: float | None = None) -> None:
        """Return at the first moment with no request in flight and none for ``quiet`` seconds
        (default :data:`QUIET`), or after :data:`LONGEST`."""
        quiet = self.QUIET if quiet is None else quiet
        deadline = time.monotonic() + self.LONGEST
        while time.monotonic() < deadline and not (self.in_flight == 0 and time.monotonic() - self.last >= quiet):
            time.sleep(0.01)
        self.warming = True


class CountStartRequests:
    """ASGI middleware: counts requests into a :class:`StartActivity` until the warm-up is
    done; then it is one attribute check per request."""

    def __init__(self, app, activity: StartActivity):
        self.app = app
        self.activity = activity

    async def __call__(self, scope, receive, send):
        activity = self.activity
        if activity.done or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        activity.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            activity.in_flight -= 1
            activity.last = time.monotonic()


def first_map_requests(app: FastAPI) -> list[tuple[str, int | None]]:
    """The layers the map's first view asks for (those it preloads), each with the zoom level it
    asks at (None for a layer fetched without one)."""
    from api.mapview import label_layers, map_layers, ranked_label_layers, start_requests

    catalog = app.state.catalog
    available = list(catalog.layers)
    preload = start_requests(map_layers(catalog.specs, available), label_layers(catalog.specs, available), "/api",
                             app.state.settings.default_map_zoom, ranked_label_layers(catalog.specs))
    return [(layer_id, preload["level"] if "?zoom=" in url else None)
            for layer_id, url in [*preload["layers"].items(), *preload["labels"].items()]]


def make_first_map(app: FastAPI, between=None) -> None:
    """Make the responses of the map's first view (see :func:`first_map_requests`), each
    encoded and compressed whole: 42 ms from a built catalog. ``python -m api`` calls it before
    forking, so every worker starts with them, shared, and a first visitor's page is not drawn
    while the server makes its layers on the same cores (cold loads: 1,142 → 957 ms, median of
    ten). ``between`` is called before each layer (the warm-up's brief wait)."""
    from api.caching import prepare

    state, catalog = app.state, app.state.catalog
    for layer_id, zoom in first_map_requests(app):
        if between is not None:
            between()
        prepare(state, catalog, catalog.get(layer_id), for_map=True, zoom=zoom)


def warm_first_map(app: FastAPI) -> None:
    """Make the map page and the responses its first view asks for (the layers it preloads, at
    the start zoom's level), so the first visitor after a start finds them made. Runs in a
    thread beside the server, from its first quiet moment, one layer at a time, each after a
    brief quiet (:class:`StartActivity`); a request that comes first makes its response itself,
    as always, and the warm-up then finds it made (as it finds what ``python -m api`` made
    before forking)."""
    activity = app.state.start_activity
    activity.wait_for_quiet()
    from api.routes.pages import map_page

    try:
        # The layers first (a tenth of a second): the map page's own requests follow it closely.
        make_first_map(app, between=lambda: activity.wait_for_quiet(activity.STEP_QUIET))
        activity.wait_for_quiet(activity.STEP_QUIET)
        map_page(app.state, app.state.catalog)
    except Exception:  # warming is an optimisation: a failure is logged, the layer is made on request
        log.warning("warming the first map's layers failed", exc_info=True)
    finally:
        activity.done = True


def build_request_path(app: FastAPI) -> None:
    """Make now what the first request would otherwise make: Starlette's middleware stack and
    the direct routes' plans (:class:`api.direct.DirectRoutes`, FastAPI's analysis of every
    route: 60 ms). ``python -m api`` calls it before forking, so every worker starts with them,
    shared, and no worker's first request waits for them."""
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer = app.middleware_stack
    while layer is not None:
        if isinstance(layer, DirectRoutes):
            layer.plans()
            return
        layer = getattr(layer, "app", None)


def create_app(settings: Settings | None = None, catalog: Catalog | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``Settings()`` read from ``ATLAS_*`` environment variables.
    catalog : Catalog, optional
        An unloaded or loaded catalog; defaults to every registered layer. It is loaded at
        start-up (lifespan), so bad data shows before the first request, and a layer that fails
        is reported while the others serve.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        cat = catalog or Catalog(data_dir=settings.data_dir)
        if not cat.layers and not cat.errors:
            cat.load(artifact_dir=settings.artifact_path)
        for layer_id, err in cat.errors.items():
            log.error("layer %s unavailable: %s", layer_id, err)
        app.state.catalog = cat
        # The catalog lives as long as the process: keep its objects out of the garbage
        # collector's generations, so that a full collection does not walk them all again.
        gc.collect()
        gc.freeze()
        if settings.warm_start:
            app.state.start_activity.last = time.monotonic()  # quiet is counted from serving, not from the app's making
            threading.Thread(target=warm_first_map, args=(app,), name="atlas-warm", daemon=True).start()
        yield

    app = FastAPI(
        title="Chengyu Atlas API",
        description="Planning map of the Chengdu–Chongqing Economic Circle: layers as GeoJSON, downloads, maps.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by pages.api_docs on vendored Swagger UI
        redoc_url=None,
        telemetry=None if settings.telemetry else {"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    if catalog is not None and (catalog.layers or catalog.errors):
        app.state.catalog = catalog  # already loaded: usable before start-up (ASGI test clients)
    budget = cache_budget(settings.cache_max_bytes)
    app.state.cache_budget = budget
    app.state.response_cache = ResponseCache(budget.bodies)
    app.state.result_cache = ResultCache(budget.results)
    app.state.feature_bytes = FeatureBytes(budget.features)
    app.state.map_html = None
    app.state.static_version = _static_version()
    # Innermost: the plain GET endpoints are called through per-route plans (api.direct).
    if settings.direct_routes:
        app.add_middleware(DirectRoutes, router=app.router)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Replays stored GeoJSON responses before any routing or validation work.
    if settings.raw_response_cache:
        app.add_middleware(RawResponseCache, max_bytes=budget.raw_responses, result_keys=[layers.replay_key])
    app.add_middleware(QueryStringGuard)
    # Outermost, so replayed responses carry the headers too.
    app.add_middleware(SecurityHeaders)
    app.state.start_activity = StartActivity()
    # No warm-up, nothing to wait for: requests are not counted at all.
    app.state.start_activity.done = not settings.warm_start
    app.add_middleware(CountStartRequests, activity=app.state.start_activity)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET"])
    register_error_handlers(app)
    app.openapi = catalog_openapi(app)  # layer, zone and feature ids of the loaded catalog in /openapi.json
    app.include_router(layers.router)
    app.include_router(features.router)
    app.include_router(search.router)
    app.include_router(ogc.router)
    app.include_router(pages.router)
    app.mount("/static", CompressedStaticFiles(directory=STATIC_DIR, max_bytes=budget.static), name="static")

    @app.get("/health", tags=["meta"], summary="Liveness and layer status")
    def health() -> dict:
        cat = app.state.catalog
        return {"status": "ok" if not cat.errors else "degraded", "layers": len(cat.layers), "errors": cat.errors}

    return app
