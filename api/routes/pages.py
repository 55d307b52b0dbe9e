"""HTML pages: the overview map, the zone pages, the API docs, and the site's icon."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import CatalogDep
from api.errors import ErrorBody
from api.mapview import MAP_SETTINGS, render_map
from api.settings import Settings
from api.security import NONCE_PLACEHOLDER, add_nonce_placeholders, new_nonce, policy
from api.urls import url_base, url_path
from api.zonepage import layer_labels, render_zone
from layers.artifact import kept_text, source_digest
from layers.reports import zone_report

FAVICON = Path(__file__).resolve().parents[2] / "static" / "favicon.ico"

router = APIRouter(tags=["pages"])


@router.get("/", name="overview_map", response_class=HTMLResponse, summary="The overview map")
def overview_map(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """The economic circle with regions, scope and zones; layers are fetched from the API."""
    return nonced_page(request, map_page(request.app.state, catalog))


#: What a rendered page (map or zone) is made from, besides the data and its own arguments.
PAGE_SOURCES = ("api", "layers", "static/templates")
PAGE_PACKAGES = ("folium", "branca", "jinja2")


def map_page(state, catalog) -> str:
    """The map page with nonce placeholders, rendered once: it depends only on the code, the
    settings and which layers built. The rendered page is kept beside the built layers, so a
    start does not render it again (Folium's import alone takes a third of a second)."""
    if state.map_html is None:
        # The page is rendered from the settings it declares and nothing else (the others keep
        # their defaults), so they are what the key names: the port or cache size do not matter.
        settings = Settings.model_construct(**{name: getattr(state.settings, name) for name in MAP_SETTINGS})
        key = source_digest(PAGE_SOURCES + ((settings.templates_dir,) if settings.templates_dir else ()), PAGE_PACKAGES,
                            settings.model_dump_json(include=set(MAP_SETTINGS)), catalog.version, ",".join(catalog.layers),
                            state.static_version)
        state.map_html = kept_text(state.settings.artifact_path, "map-page", key, lambda: add_nonce_placeholders(
            render_map(settings, catalog.specs, list(catalog.layers), state.static_version)))
    return state.map_html


def nonced_page(request: Request, html: str) -> HTMLResponse:
    """Serve a page whose inline code carries a fresh nonce, with the matching policy."""
    nonce = new_nonce()
    settings = request.app.state.settings
    url = settings.basemap_url or ""
    origins = ["/".join(url.split("/")[:3]).replace("{s}", "*")] if url.startswith("http") else []
    if settings.tianditu_key:
        origins.append("https://*.tianditu.gov.cn")
    origin = " ".join(origins) or None
    return HTMLResponse(
        html.replace(NONCE_PLACEHOLDER, nonce),
        headers={"Content-Security-Policy": policy(nonce, origin), "Cache-Control": "no-store"},
    )


@router.get("/docs", include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI on vendored assets (no CDN)."""
    from fastapi.openapi.docs import get_swagger_ui_html

    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title="Chengyu Atlas API",
        swagger_js_url="/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui-5.35.0/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )
    return nonced_page(request, add_nonce_placeholders(page.body.decode("utf-8")))


#: HTML routes document their JSON error body explicitly (FastAPI would label it text/html).
ZONE_RESPONSES = {404: {"description": "No zone with that id", "content": {"application/json": {"schema": ErrorBody.model_json_schema()}}}}


def _zone_id(zone_id: str) -> str:
    """``wandakai`` and ``zone:wandakai`` name the same zone."""
    return zone_id if zone_id.startswith("zone:") else f"zone:{zone_id}"


#: Rendered zone pages kept (the atlas has a dozen zones).
ZONE_PAGES_KEPT = 64


@router.get("/zones/{zone_id}", response_class=HTMLResponse, summary="Zone focus page", responses=ZONE_RESPONSES)
def zone_page(request: Request, catalog: CatalogDep, zone_id: str) -> HTMLResponse:
    """A zone with its members, area by province, projects touching it, figures and citations.

    ``/zones/wandakai`` and ``/zones/zone:wandakai`` are the same page (its link names the full id)."""
    state = request.app.state
    settings = state.settings
    # Rendered once per zone and data version (the layers' versions change with their data); its
    # links come from the public URL or are root-relative (api.urls), never from the Host header.
    key = (_zone_id(zone_id), settings.templates_dir, catalog.version)
    cache = getattr(state, "zone_pages", None)
    if cache is None:
        cache = state.zone_pages = {}
    page = cache.get(key)
    if page is None:
        report = zone_report(catalog, key[0])
        canonical = str(report.zone["id"])
        # The links' base (the public URL, which python -m api sets to the address it serves,
        # port included) is put in per response: the page itself does not depend on it.
        share = LINK_BASE + url_path(request, "zone_page", zone_id=canonical)
        export = LINK_BASE + url_path(request, "zone_export", zone_id=canonical)
        map_url = LINK_BASE + url_path(request, "overview_map") + "#focus=" + quote(canonical, safe=":")
        # Kept beside the built layers as the map page is: a start that has rendered it once
        # serves it without Folium (its import alone is a third of a second of a cold page).
        page = kept_text(settings.artifact_path, "zone-page-" + canonical.split(":", 1)[-1],
                         _zone_page_key(state, catalog, canonical, share, map_url, export),
                         lambda: add_nonce_placeholders(render_zone(report, layer_labels(catalog), share, map_url, export,
                                                                    settings.templates_dir)))
        while len(cache) >= ZONE_PAGES_KEPT:
            cache.pop(next(iter(cache), None), None)
        cache[key] = page
    # The page's links are attribute values: the base goes in HTML-escaped.
    return nonced_page(request, page.replace(LINK_BASE, html.escape(url_base(request), quote=True)))


#: Where a kept zone page's links take the public URL (or the root path) when served.
LINK_BASE = "__ATLAS_LINK_BASE__"


def _zone_page_key(state, catalog, *values: str) -> str:
    """The key of a kept zone page: the page sources (hashed once per process), the data
    version, the static files' version and ``values`` (the zone and its links)."""
    code = getattr(state, "page_sources_digest", None)
    if code is None:
        templates = state.settings.templates_dir
        code = state.page_sources_digest = source_digest(PAGE_SOURCES + ((templates,) if templates else ()), PAGE_PACKAGES)
    return hashlib.sha256("\n".join((code, catalog.version, state.static_version, *values)).encode()).hexdigest()[:24]


def _map_url(request: Request, report) -> str:
    """The overview map focused on the zone, as an absolute URL (for the offline export, whose
    links must work from a file)."""
    return str(request.url_for("overview_map")) + "#focus=" + quote(str(report.zone["id"]), safe=":")


@router.get("/zones/{zone_id}/export", summary="Zone focus page as one offline HTML file", response_class=Response,
            responses=ZONE_RESPONSES | {200: {"content": {"text/html": {}}}})
def zone_export(request: Request, catalog: CatalogDep, zone_id: str) -> Response:
    """The focus page with Leaflet and the data inlined, as a download that opens offline."""
    report = zone_report(catalog, _zone_id(zone_id))
    body = render_zone(report, layer_labels(catalog), str(request.url_for("zone_page", zone_id=str(report.zone["id"]))),
                       _map_url(request, report), None, request.app.state.settings.templates_dir)
    filename = f"chengyu-atlas-{report.zone['id'].replace(':', '-')}.html"
    return Response(body.encode("utf-8"), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """The site's icon where browsers look for it without a ``<link rel=icon>`` (16, 32 and 48 px,
    drawn from ``static/favicon.svg``)."""
    return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
