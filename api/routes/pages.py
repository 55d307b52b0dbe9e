"""HTML pages: the overview map."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.mapview import render_map

router = APIRouter(tags=["pages"])


@router.get("/", response_class=HTMLResponse, summary="The overview map")
def overview_map(request: Request, catalog: CatalogDep) -> HTMLResponse:
    """The economic circle with regions, scope and zones; layers are fetched from the API."""
    state = request.app.state
    if state.map_html is None:  # rendered once: the page depends only on settings and which layers built
        state.map_html = render_map(state.settings, list(catalog.layers), state.static_version)
    return HTMLResponse(state.map_html)
