"""/api/layers: the catalogue, each layer as GeoJSON with filters, and downloads."""

from __future__ import annotations

import hashlib
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import QueryParams

from api.caching import ByteLRU, cached_response, collection_response
from api.deps import BBOX_MAX_LENGTH, CatalogDep, DownloadFormat, FeatureQueryDep, LayerDep, ZoomDep
from api.errors import ERROR_RESPONSES, ConversionError
from api.urls import url_for
from api.writers import WRITERS
from geo.bbox import parse_bbox
from geo.errors import GeoError
from layers.catalog import Layer

router = APIRouter(prefix="/api", tags=["layers"], responses=ERROR_RESPONSES)

GEOJSON = "application/geo+json"


def _layer_entry(request: Request, layer: Layer) -> dict:
    spec = layer.spec
    base = url_for(request, "layer_geojson", layer_id=spec.id)
    return spec.as_dict() | {
        "feature_count": int(len(layer.frame)),
        "bbox": layer.bbox,
        "version": layer.version,
        "status": "ok",
        "links": {
            "geojson": base,
            "download": {fmt: f"{base}/download?format={fmt}" for fmt in WRITERS},
        },
    }


@router.get("/layers", summary="Catalogue of layers")
async def list_layers(request: Request, catalog: CatalogDep) -> dict:
    """Every layer with titles, geometry type, feature count, bbox, fields with meaning and data sources.

    A layer that failed to build is listed with ``status: error`` and its error.
    """
    entries = []
    for layer_id in catalog.ids:
        if layer_id in catalog.layers:
            entries.append(_layer_entry(request, catalog.layers[layer_id]))
        else:
            entries.append(catalog.spec(layer_id).as_dict() | {"status": "error", "error": catalog.errors.get(layer_id)})
    return {"layers": entries}


@router.get(
    "/layers/{layer_id}",
    name="layer_geojson",
    summary="A layer as RFC 7946 GeoJSON",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}}},
)
async def layer_geojson(
    request: Request, catalog: CatalogDep, layer: LayerDep, query: FeatureQueryDep, zoom: ZoomDep = None
) -> Response:
    """Features of the layer as the map draws them, filtered by ``bbox``, ``q``, properties and
    ``year``, made for drawing at ``zoom`` (``Catalog.map_frame``). Lines are cut at the map's
    frame (their ``exits`` say where and toward what); downloads and ``/ogc`` items carry the
    full lines.

    Property filters apply where the layer has the property (``kind``, ``status``, ``zone``,
    ``province``, ``cross_border``); asking for one it lacks is a 400.
    """
    page = catalog.select(layer.spec.id, query, for_map=True, zoom=zoom)
    return collection_response(request, catalog, layer, page.positions, for_map=True, zoom=zoom, media_type=GEOJSON,
                               numberMatched=page.matched, numberReturned=page.returned)


_LAYER_PATH = "/api/layers/"


def replay_key(scope) -> tuple | None:
    """What a GET of ``/api/layers/{id}?bbox=…`` answers with, the bbox replaced by the rows it
    selects: (layer, version, the other parameters as given, those rows' digest).

    The response depends on the bbox only through those rows (no link carries it), so two
    boxes that select the same rows get the same bytes, and the replay cache in front of
    routing (:class:`api.caching.RawResponseCache`) can answer the second without the app.
    None — the cache then keys by URL — whenever that is not certain: another path, no bbox or
    more than one, a bbox FastAPI would refuse (too long, or not a box), an unknown layer.
    """
    path, root = scope["path"], scope.get("root_path", "")
    route_path = path[len(root):] if root and path.startswith(root) else path
    layer_id = route_path[len(_LAYER_PATH):]
    if not route_path.startswith(_LAYER_PATH) or not layer_id or "/" in layer_id or b"bbox=" not in scope.get("query_string", b""):
        return None
    params = QueryParams(scope["query_string"])
    boxes = params.getlist("bbox")
    catalog = getattr(scope["app"].state, "catalog", None)
    layer = catalog.layers.get(layer_id) if catalog is not None else None
    if len(boxes) != 1 or len(boxes[0]) > BBOX_MAX_LENGTH or layer is None:
        return None
    digest = _selected_rows(layer, boxes[0])
    if digest is None:
        return None
    return ("layer_geojson", layer_id, layer.version, tuple((k, v) for k, v in params.multi_items() if k != "bbox"), digest)


#: The digests of the boxes seen last, counted in entries (size 1 each): a map panning back and
#: forth asks for the same ones again.
_SELECTED = ByteLRU(4096)
_NOT_A_BOX = b""


def _selected_rows(layer, bbox_text: str) -> bytes | None:
    """Digest of the rows ``bbox_text`` selects in ``layer`` (None: not a box)."""
    key = (layer.spec.id, layer.version, bbox_text)
    digest = _SELECTED.get(key)
    if digest is None:
        try:
            rows = layer.intersecting(parse_bbox(bbox_text).as_tuple())
            digest = hashlib.blake2b(np.ascontiguousarray(rows, dtype=np.int64).tobytes(), digest_size=16).digest()
        except GeoError:
            digest = _NOT_A_BOX
        _SELECTED.put(key, digest, 1)
    return digest or None


@router.get("/layers/{layer_id}/download", name="download_layer", summary="Download a layer", response_class=Response)
def download_layer(
    request: Request,
    catalog: CatalogDep,
    layer: LayerDep,
    query: FeatureQueryDep,
    format: Annotated[DownloadFormat, Query(description="geojson, gpkg, shp (zipped Shapefile), fgb (FlatGeobuf), csv (WKT geometry) or kml")] = "geojson",
) -> Response:
    """The layer (filtered as on the GeoJSON endpoint, if asked) as a file, full resolution."""
    writer = WRITERS[format]
    key = ("download", layer.spec.id, layer.version, query.key(), format)

    def make() -> bytes:
        frame = catalog.select(layer.spec.id, query).items
        try:
            return writer.write(frame, layer.spec.id)
        except Exception as exc:  # never send a truncated file
            raise ConversionError(f"could not write {layer.spec.id} as {format}: {exc}") from exc

    filename = f"chengyu-atlas-{layer.spec.id}.{writer.extension}"
    return cached_response(
        request, key, make, writer.media_type, {"Content-Disposition": f'attachment; filename="{filename}"'}
    )
