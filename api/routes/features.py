"""/api/features/{id}: one feature by its stable id."""

from __future__ import annotations

from api.errors import ERROR_RESPONSES
from fastapi import APIRouter, Path, Response
from typing import Annotated

from api.deps import CatalogDep
from geo.geojson import dumps, features

router = APIRouter(prefix="/api", tags=["features"], responses=ERROR_RESPONSES)


@router.get("/features/{feature_id}", summary="One feature as GeoJSON", response_class=Response,
            responses={200: {"content": {"application/geo+json": {}}}})
async def get_feature(catalog: CatalogDep, feature_id: Annotated[str, Path(max_length=200)]) -> Response:
    """The feature with this id (e.g. ``zone:wandakai``, ``region:500101``), from any layer."""
    layer, row = catalog.feature(feature_id)
    return Response(dumps(features(row)[0]), media_type="application/geo+json")
