"""/api/search: every searchable layer by Chinese, pinyin, English, alias or adcode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.caching import cached_response
from api.deps import CatalogDep, QDep
from api.errors import ERROR_RESPONSES, BadParameter
from geo.geojson import dumps

router = APIRouter(prefix="/api", tags=["search"], responses=ERROR_RESPONSES)


@router.get("/search", summary="Search every layer", response_class=Response,
            responses={200: {"content": {"application/json": {}}}})
async def search(request: Request, catalog: CatalogDep, q: QDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    """Features whose searchable text (names, aliases, their pinyin; adcodes where the layer
    declares them) contains every word of ``q``; exact and prefix matches of the Chinese or
    English name or an alias first, then by layer group (:data:`layers.spec.GROUPS` order). Each result has
    its id, layer, names, kind and bbox, so a client can zoom to it and fetch it from
    /api/features/{id}. Answered from an index built once per catalog version, with an ETag."""
    if not q:
        raise BadParameter("q is required")
    key = ("search", catalog.version, q, limit)
    return cached_response(request, key, lambda: dumps(catalog.search_index.search(q, limit)), "application/json")
