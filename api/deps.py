"""Request parsing as dependencies: layer lookup, bbox, text query, zoom, download format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Path, Query, Request

from api.errors import BadParameter
from geo.bbox import BBox, parse_bbox
from layers.catalog import Catalog, Layer


def get_catalog(request: Request) -> Catalog:
    """The catalog loaded at start-up."""
    return request.app.state.catalog


CatalogDep = Annotated[Catalog, Depends(get_catalog)]


def get_layer(catalog: CatalogDep, layer_id: Annotated[str, Path(max_length=64, description="Layer id")]) -> Layer:
    """The built layer named in the path, or 404/503."""
    return catalog.get(layer_id)


LayerDep = Annotated[Layer, Depends(get_layer)]


def get_bbox(
    bbox: Annotated[
        str | None,
        Query(max_length=200, description="minlon,minlat,maxlon,maxlat (WGS84 degrees)", examples=["106,29,107.5,30.5"]),
    ] = None,
) -> BBox | None:
    """Parsed bbox, or None; bad boxes raise GeoError → 400 with the reason."""
    return parse_bbox(bbox) if bbox is not None else None


BBoxDep = Annotated[BBox | None, Depends(get_bbox)]


def get_q(
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
    Query(ge=0, le=18, description="Map zoom level: geometry simplified to about two pixels and coordinates rounded for that zoom; display properties only (the full set without zoom)"),
]

DownloadFormat = Literal["geojson", "gpkg", "shp", "fgb", "csv", "kml"]


def get_filters(
    kind: Annotated[str | None, Query(max_length=200, description="Kind(s), comma-separated, e.g. high_speed")] = None,
    status: Annotated[str | None, Query(max_length=200, description="planned, study, preparatory, under_construction, completed, operating")] = None,
    zone: Annotated[str | None, Query(max_length=200, description="Zone id touched, e.g. zone:wandakai")] = None,
    province: Annotated[str | None, Query(max_length=40, description="sichuan or chongqing")] = None,
    cross_border: Annotated[str | None, Query(max_length=10, description="true or false")] = None,
) -> dict[str, str]:
    """Property filters given in the request (each checked against the layer's fields)."""
    given = {"kind": kind, "status": status, "zone": zone, "province": province, "cross_border": cross_border}
    return {k: v for k, v in given.items() if v is not None}


FiltersDep = Annotated[dict[str, str], Depends(get_filters)]
YearDep = Annotated[int | None, Query(ge=1900, le=2100, description="Keep features whose documented period includes this year")]


@dataclass(frozen=True)
class LayerQuery:
    """Everything that selects features of a layer: one parameter group for every endpoint."""

    bbox: BBox | None
    q: str | None
    filters: tuple[tuple[str, str], ...]
    year: int | None

    def key(self) -> tuple:
        """Hashable identity for response caches."""
        return (self.bbox, self.q, self.filters, self.year)

    def select(self, catalog: Catalog, layer_id: str):
        """The matching features (raises QueryError for a filter the layer lacks)."""
        return catalog.query(layer_id, bbox=self.bbox, q=self.q, where=dict(self.filters), year=self.year)


def get_layer_query(bbox: BBoxDep, q: QDep, filters: FiltersDep, year: YearDep = None) -> LayerQuery:
    return LayerQuery(bbox, q, tuple(sorted(filters.items())), year)


LayerQueryDep = Annotated[LayerQuery, Depends(get_layer_query)]
