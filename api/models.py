"""Typed OGC API responses and the one table of media types (after tipg's ``model.py``)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class MediaType(str, Enum):
    """Every media type the API sends."""

    json = "application/json"
    geojson = "application/geo+json"
    html = "text/html"
    openapi30 = "application/vnd.oai.openapi+json;version=3.0"
    gpkg = "application/geopackage+sqlite3"


class Link(BaseModel):
    href: str
    rel: str
    type: MediaType
    title: str


class Landing(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]


class SpatialExtent(BaseModel):
    bbox: list[list[float]]
    crs: str


class TemporalExtent(BaseModel):
    interval: list[list[str | None]]
    trs: str = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


class Extent(BaseModel):
    spatial: SpatialExtent
    temporal: TemporalExtent | None = None


class Collection(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str
    description: str
    itemType: str = "feature"
    extent: Extent
    crs: list[str]
    storageCrs: str
    links: list[Link]


class Collections(BaseModel):
    collections: list[Collection]
    links: list[Link]
    crs: list[str] = Field(default_factory=list)
