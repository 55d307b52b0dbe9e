"""/api/search: places, zones, regions and projects by Chinese, pinyin, English or alias."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CatalogDep, QDep
from api.errors import ERROR_RESPONSES, BadParameter

router = APIRouter(prefix="/api", tags=["search"], responses=ERROR_RESPONSES)

#: Layers searched, in the order results of equal rank are listed.
SEARCHED = ("zones", "counties", "cities", "provinces", "rail", "highways", "waterways", "ports", "airports", "hubs", "water_resources", "rivers", "layout", "places")


@router.get("/search", summary="Search every layer")
def search(catalog: CatalogDep, q: QDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    """Features whose names, aliases or their pinyin contain every word of ``q``; exact and
    prefix matches of the Chinese or English name first. Each result has its id, layer, names,
    kind and bbox, so a client can zoom to it and fetch it from /api/features/{id}."""
    if not q:
        raise BadParameter("q is required")
    needle = q.lower()
    hits = []
    for order, layer_id in enumerate(l for l in SEARCHED if l in catalog.layers):
        frame = catalog.query(layer_id, q=q)
        for row in frame.itertuples():
            zh, en = row.name_zh or "", (row.name_en or "").lower()
            rank = 0 if needle in (zh.lower(), en) else 1 if zh.startswith(q) or en.startswith(needle) else 2
            geom = row.geometry
            hits.append((rank, order, len(zh), {
                "id": row.id, "layer": layer_id, "name_zh": zh, "name_en": row.name_en, "kind": row.kind,
                "bbox": [round(float(v), 6) for v in geom.bounds] if geom is not None else None,
            }))
    hits.sort(key=lambda h: h[:3])
    return {"query": q, "numberMatched": len(hits), "results": [h[3] for h in hits[:limit]]}
