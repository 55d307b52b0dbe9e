"""Request parsing as dependencies: layer lookup, bbox, text query, zoom, download format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Path, Query, Request

from api.errors import BadParameter
from geo.bbox import BBox, parse_bbox
from layers.catalog import Catalog, Layer
from layers.query import FeatureQuery, Period
from layers.status import STATUSES


async def get_catalog(request: Request) -> Catalog:
    """The catalog loaded at start-up."""
    return request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


async def get_layer(catalog: CatalogDep, layer_id: Annotated[str, Path(max_length=64, description="Layer id")]) -> Layer:
    """The built layer named in the path, or 404/503."""
    return catalog.get(layer_id)


LayerDep = Annotated[Layer, Depends(get_layer)]


#: The longest bbox text accepted (longer is a 422).
BBOX_MAX_LENGTH = 200


async def get_bbox(
    bbox: Annotated[
        str | None,
        Query(max_length=BBOX_MAX_LENGTH, description="minlon,minlat,maxlon,maxlat (WGS84 degrees)", examples=["106,29,107.5,30.5"]),
    ] = None,
) -> BBox | None:
    """Parsed bbox, or None; bad boxes raise GeoError → 400 with the reason."""
    return parse_bbox(bbox) if bbox is not None else None


BBoxDep = Annotated[BBox | None, Depends(get_bbox)]


async def get_q(
    request: Request,
    q: Annotated[str | None, Query(description="Text search in Chinese, pinyin, English or aliases")] = None,
) -> str | None:
    """Text query, length-limited by settings."""
    if q is None:
        return None
    limit = request.app.state.settings.max_q_length
    if len(q) > limit:
        raise BadParameter(f"q is {len(q)} characters long; the limit is {limit}")
    q = q.strip()
    return q or None


QDep = Annotated[str | None, Depends(get_q)]

ZoomDep = Annotated[
    int | None,
    Query(ge=0, le=18, description="Map zoom level: display properties only (the full set without zoom or from zoom 12; below it a project's mentions are cut to the documents naming it: doc, title, date); the base layers the map fetches again at each level (provinces, counties, rivers) are also simplified to about two pixels and rounded for that zoom"),
]

DownloadFormat = Literal["geojson", "gpkg", "shp", "fgb", "csv", "kml"]


async def get_filters(
    kind: Annotated[str | None, Query(max_length=200, description="Kind(s), comma-separated, e.g. high_speed")] = None,
    status: Annotated[str | None, Query(max_length=200, description="Status(es), comma-separated: " + ", ".join(STATUSES))] = None,
    zone: Annotated[str | None, Query(max_length=200, description="Zone id touched, e.g. zone:wandakai")] = None,
    province: Annotated[str | None, Query(max_length=40, description="sichuan or chongqing")] = None,
    cross_border: Annotated[str | None, Query(max_length=10, description="true or false")] = None,
    facility_status: Annotated[str | None, Query(max_length=20, description="existing (the network as it is) or new (works on new facilities)")] = None,
) -> tuple[tuple[str, str], ...]:
    """Property filters given in the request (each checked against the layer's fields)."""
    given = {"kind": kind, "status": status, "zone": zone, "province": province, "cross_border": cross_border,
             "facility_status": facility_status}
    return tuple(sorted((k, v) for k, v in given.items() if v is not None))


FiltersDep = Annotated[tuple[tuple[str, str], ...], Depends(get_filters)]
YearDep = Annotated[int | None, Query(ge=1900, le=2100, description="Keep features whose documented period includes this year (the same rule as OGC datetime)")]


async def get_feature_query(bbox: BBoxDep, q: QDep, filters: FiltersDep, year: YearDep = None) -> FeatureQuery:
    """The one query model (:class:`layers.query.FeatureQuery`) from /api parameters."""
    return FeatureQuery(bbox=bbox, q=q, filters=filters, period=Period.year(year) if year is not None else None)


FeatureQueryDep = Annotated[FeatureQuery, Depends(get_feature_query)]


def _path_parameters(schema: dict, name: str):
    """Every path parameter called ``name`` in an OpenAPI document."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == name:
                    yield parameter


def document_catalog(schema: dict, catalog: Catalog) -> dict:
    """Name the catalog's real ids in the OpenAPI document (documentation only: validation is unchanged).

    ``layer_id`` and ``zone_id`` become enums of the built layers and zones, so clients and
    generated requests (schemathesis) reach real data; ``feature_id`` gets one example per
    layer (the full list is every layer's items). An id outside them still gets its 404.
    """
    layer_ids = list(catalog.layers)
    zone_ids = list(catalog.layers["zones"].frame["id"]) if "zones" in catalog.layers else []
    feature_examples = [str(layer.frame["id"].iloc[0]) for layer in catalog.layers.values() if len(layer.frame)]
    for parameter in _path_parameters(schema, "layer_id"):
        parameter["schema"]["enum"] = layer_ids
    for parameter in _path_parameters(schema, "zone_id"):
        if zone_ids:
            parameter["schema"]["enum"] = zone_ids
            parameter["description"] = "Zone id, e.g. zone:wandakai (the prefix may be left out)"
    for parameter in _path_parameters(schema, "feature_id"):
        if feature_examples:
            parameter["schema"]["examples"] = feature_examples
            parameter["description"] = "Feature id: the layer id prefix, a colon and the feature's key, e.g. " + feature_examples[0]
    return schema


def catalog_openapi(app: FastAPI) -> Callable[[], dict]:
    """``app.openapi`` whose document names the ids of the catalog loaded at start-up
    (:func:`document_catalog`); built once, when the catalog is there."""
    generate = app.openapi

    def openapi() -> dict:
        catalog = getattr(app.state, "catalog", None)
        documented = getattr(app.state, "openapi_documents_catalog", False)
        if catalog is not None and not documented:
            app.openapi_schema = None  # a document made before start-up lacks the ids
            document_catalog(generate(), catalog)
            app.state.openapi_documents_catalog = True
        return generate()

    return openapi
