"""/api/search: every searchable layer by Chinese, pinyin, English, alias or adcode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CatalogDep, QDep
from api.errors import ERROR_RESPONSES, BadParameter
from layers.query import FeatureQuery
from layers.spec import GROUPS

router = APIRouter(prefix="/api", tags=["search"], responses=ERROR_RESPONSES)



@router.get("/search", summary="Search every layer")
def search(catalog: CatalogDep, q: QDep, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict:
    """Features whose searchable text (names, aliases, their pinyin; adcodes where the layer
    declares them) contains every word of ``q``; exact and prefix matches of the Chinese or
    English name first, then by layer group (:data:`layers.spec.GROUPS` order). Each result has its id, layer, names, kind and bbox, so a client can
    zoom to it and fetch it from /api/features/{id}."""
    if not q:
        raise BadParameter("q is required")
    needle = q.lower()
    layers = sorted(catalog.layers.values(), key=lambda layer: list(GROUPS).index(layer.spec.group))
    hits = []
    for order, layer in enumerate(layers):
        frame = layer.frame[catalog.mask(layer.spec.id, FeatureQuery(q=q)).to_numpy()]
        for row in frame.itertuples():
            zh, en = row.name_zh or "", (row.name_en or "").lower()
            rank = 0 if needle in (zh.lower(), en) else 1 if zh.startswith(q) or en.startswith(needle) else 2
            geom = row.geometry
            hits.append((rank, order, len(zh), {
                "id": row.id, "layer": layer.spec.id, "name_zh": zh, "name_en": row.name_en, "kind": row.kind,
                "bbox": [round(float(v), 6) for v in geom.bounds] if geom is not None else None,
            }))
    hits.sort(key=lambda h: h[:3])
    return {"query": q, "numberMatched": len(hits), "results": [h[3] for h in hits[:limit]]}
