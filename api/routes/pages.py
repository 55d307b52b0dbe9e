"""HTML pages: the overview map."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.mapview import render_map
from api.security import NONCE_PLACEHOLDER, add_nonce_placeholders, new_nonce, policy

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="The overview map")
def overview_map(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """The economic circle with regions, scope and zones; layers are fetched from the API."""
    state = request.app.state
    if state.map_html is None:  # rendered once: the page depends only on settings and which layers built
        state.map_html = add_nonce_placeholders(render_map(state.settings, list(catalog.layers), state.static_version))
    return nonced_page(request, state.map_html)


def nonced_page(request: Request, html: str) -> HTMLResponse:
    """Serve a page whose inline code carries a fresh nonce, with the matching policy."""
    nonce = new_nonce()
    url = request.app.state.settings.basemap_url or ""
    origin = "/".join(url.split("/")[:3]).replace("{s}", "*") if url.startswith("http") else None
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
