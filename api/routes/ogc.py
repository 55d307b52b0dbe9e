"""OGC API – Features under /ogc: Part 1 (core, geojson, html, oas30) and Part 2 (crs).

The collections are the catalog's layers. Items are paged with limit/offset (next/prev links,
numberMatched/numberReturned), filtered by bbox (with bbox-crs), datetime (against the layer's
temporal fields), and any simple property of the layer (``?kind=high_speed``), and served in
CRS84, EPSG:4326, EPSG:4490 or EPSG:3857 in each CRS's own axis order, with a Content-Crs
header. Every selection goes through the catalog's one query model; JSON bodies are typed
models (:mod:`api.models`) and HTML comes from templates.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api.caching import collection_response
from api.urls import this_url, url_for
from api.deps import CatalogDep, LayerDep
from api.errors import ERROR_RESPONSES, BadParameter
from api.models import Collection, Collections, Conformance, Extent, Landing, Link, MediaType, SpatialExtent, TemporalExtent
from api.templates import render
from geo.bbox import parse_bbox_in_crs
from geo.crs import CRS84_URI, SUPPORTED_OUTPUT_CRS, supported_crs
from geo.geojson import dumps, features
from layers.catalog import Layer
from layers.errors import QueryError, UnknownFeatureError
from layers.query import FeatureQuery, Page, Period

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"], responses=ERROR_RESPONSES)

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
#: Query parameters the items endpoint understands; any other one must name a property.
RESERVED = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs", "properties", "q"}
FORMAT_DOC = "Response format: json or html (default: from the Accept header, else json)"

JSON_OR_HTML = {200: {"content": {MediaType.json.value: {}, MediaType.html.value: {}}}}
FormatQ = Annotated[Literal["json", "html"] | None, Query(alias="f", description=FORMAT_DOC)]


def _wants_html(request: Request, f: str | None) -> bool:
    if f is not None:
        return f == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept




def _page(request: Request, template: str, **context) -> HTMLResponse:
    return HTMLResponse(render(template, request.app.state.settings.templates_dir, **context))


def _json(model) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json", exclude_none=True))


@router.get("", name="ogc_landing", summary="Landing page", responses=JSON_OR_HTML)
async def landing(request: Request, f: FormatQ = None):
    """Links to the API definition, conformance and collections."""
    links = [
        Link(href=url_for(request, "ogc_landing"), rel="self", type=MediaType.json, title="This document"),
        Link(href=url_for(request, "ogc_landing", {"f": "html"}), rel="alternate", type=MediaType.html, title="This document as HTML"),
        Link(href=url_for(request, "ogc_api"), rel="service-desc", type=MediaType.openapi30, title="API definition (OpenAPI 3.0)"),
        Link(href=url_for(request, "api_docs"), rel="service-doc", type=MediaType.html, title="API documentation"),
        Link(href=url_for(request, "ogc_conformance"), rel="conformance", type=MediaType.json, title="Conformance classes"),
        Link(href=url_for(request, "ogc_collections"), rel="data", type=MediaType.json, title="Collections"),
    ]
    body = Landing(title="Chengyu Atlas — OGC API Features", description="Layers of the Chengdu–Chongqing Economic Circle planning map", links=links)
    if _wants_html(request, f):
        return _page(request, "ogc_landing.html", title=body.title, description=body.description, links=links)
    return _json(body)


@router.get("/conformance", name="ogc_conformance", summary="Conformance classes", responses=JSON_OR_HTML)
async def conformance(request: Request, f: FormatQ = None):
    if _wants_html(request, f):
        return _page(request, "ogc_conformance.html", title="Conformance", conforms_to=CONFORMANCE)
    return _json(Conformance(conformsTo=CONFORMANCE))


@router.get("/api", name="ogc_api", summary="API definition (OpenAPI 3.0)",
            responses={200: {"content": {MediaType.openapi30.value: {}}}})
def api_definition(request: Request) -> Response:
    """The app's OpenAPI document, expressed as OpenAPI 3.0 (nullable instead of null types)."""
    doc = _to_openapi30(request.app.openapi())
    return JSONResponse(doc, media_type=MediaType.openapi30.value)


def _to_openapi30(node):
    if isinstance(node, dict):
        node = {k: _to_openapi30(v) for k, v in node.items()}
        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            if isinstance(options, list) and any(o == {"type": "null"} for o in options):
                rest = [o for o in options if o != {"type": "null"}]
                node.pop(key)
                if len(rest) == 1:
                    node.update(rest[0])
                else:
                    node[key] = rest
                node["nullable"] = True
        if node.get("openapi", "").startswith("3.1"):
            node["openapi"] = "3.0.3"
        node.pop("examples", None) if isinstance(node.get("examples"), list) else None
        if node.get("type") == "null":
            node.pop("type")
            node["nullable"] = True
        return node
    if isinstance(node, list):
        return [_to_openapi30(v) for v in node]
    return node


def _collection(request: Request, layer: Layer) -> Collection:
    spec = layer.spec
    items = url_for(request, "ogc_items", layer_id=spec.id)
    temporal = None
    if spec.temporal_fields:
        start_field, end_field = spec.temporal_fields
        starts = [v for v in layer.frame[start_field] if v is not None]
        ends = [v for v in layer.frame[end_field] if v is not None]
        if starts or ends:
            temporal = TemporalExtent(interval=[[
                f"{min(starts)}-01-01T00:00:00Z" if starts else None,
                f"{max(ends)}-12-31T23:59:59Z" if ends else None,
            ]])
    return Collection(
        id=spec.id,
        title=f"{spec.title_zh} {spec.title_en}",
        description=spec.description,
        # A layer with nothing located still has an extent: the whole world, as OGC allows.
        extent=Extent(spatial=SpatialExtent(bbox=[layer.bbox or [-180.0, -90.0, 180.0, 90.0]], crs=CRS84_URI), temporal=temporal),
        crs=list(SUPPORTED_OUTPUT_CRS),
        storageCrs=CRS84_URI,
        links=[
            Link(href=url_for(request, "ogc_collection", layer_id=spec.id), rel="self", type=MediaType.json, title="This collection"),
            Link(href=items, rel="items", type=MediaType.geojson, title="Items as GeoJSON"),
            Link(href=items + "?f=html", rel="items", type=MediaType.html, title="Items as HTML"),
            Link(href=url_for(request, "download_layer", {"format": "gpkg"}, layer_id=spec.id), rel="enclosure", type=MediaType.gpkg, title="Download as GeoPackage"),
        ],
    )


@router.get("/collections", name="ogc_collections", summary="Collections", responses=JSON_OR_HTML)
async def collections(request: Request, catalog: CatalogDep, f: FormatQ = None):
    entries = [_collection(request, layer) for layer in catalog.layers.values()]
    if _wants_html(request, f):
        rows = [{"html_items": e.links[2].href, "title": e.title, "description": e.description} for e in entries]
        return _page(request, "ogc_collections.html", title="Collections", collections=rows)
    links = [Link(href=url_for(request, "ogc_collections"), rel="self", type=MediaType.json, title="Collections")]
    return _json(Collections(collections=entries, links=links, crs=list(SUPPORTED_OUTPUT_CRS)))


@router.get("/collections/{layer_id}", name="ogc_collection", summary="One collection", responses=JSON_OR_HTML)
async def collection(request: Request, layer: LayerDep, f: FormatQ = None):
    entry = _collection(request, layer)
    if _wants_html(request, f):
        return _page(request, "ogc_collection.html", title=entry.title, description=entry.description,
                     fields=layer.spec.fields, links=entry.links)
    return _json(entry)


_DATE = re.compile(r"^(\d{4})(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


def _valid_calendar(text: str) -> bool:
    """The date and time parts exist on the calendar and the clock (no month 13, no hour 99)."""
    import datetime as _dt

    date, _, time = text.partition("T")
    fields = date.split("-")
    try:
        _dt.date(int(fields[0]), int(fields[1]) if len(fields) > 1 else 1, int(fields[2]) if len(fields) > 2 else 1)
        if time:
            clock = re.split(r"Z|[+-]", time)[0]
            hms = [float(x) for x in clock.split(":")]
            if len(hms) < 2 or not (0 <= hms[0] < 24 and 0 <= hms[1] < 60 and (len(hms) < 3 or 0 <= hms[2] < 61)):
                return False
    except ValueError:
        return False
    return True


def parse_datetime(value: str) -> Period:
    """An RFC 3339 instant or interval (``a/b``, ``../b``, ``a/..``) as a :class:`Period` of years."""
    parts = value.split("/")
    if len(parts) > 2:
        raise BadParameter("datetime must be an instant or an interval start/end")
    years: list[int | None] = []
    for part in parts:
        part = part.strip()
        if part in {"..", ""} and len(parts) == 2:
            years.append(None)
            continue
        m = _DATE.match(part)
        if not m or not _valid_calendar(part):
            raise BadParameter(f"datetime {part[:40]!r} is not RFC 3339 (e.g. 2025-01-01T00:00:00Z or 2021/2025)")
        years.append(int(m.group(1)))
    if len(years) == 1:
        years.append(years[0])
    if years[0] is None and years[1] is None:
        raise BadParameter("datetime interval cannot be open at both ends")
    if years[0] is not None and years[1] is not None and years[0] > years[1]:
        raise BadParameter("datetime interval ends before it starts")
    return Period(years[0], years[1])


def _property_filters(request: Request, layer: Layer) -> tuple[tuple[str, str], ...]:
    simple = {f.name for f in layer.spec.fields}
    filters = []
    for key, value in request.query_params.items():
        if key in RESERVED:
            continue
        if key not in simple:
            raise QueryError(f"unknown parameter or property {key[:40]!r}; properties of {layer.spec.id}: {', '.join(sorted(simple))}")
        filters.append((key, value))
    return tuple(sorted(filters))


def _links(request: Request, layer: Layer, page: Page) -> list[Link]:
    """self, and next/prev carrying every parameter of this request but the offset."""
    base = {k: v for k, v in request.query_params.items() if k not in {"offset", "limit"}}
    links = [Link(href=this_url(request), rel="self", type=MediaType.geojson, title="This page")]
    limit = page.query.limit
    if page.next_offset is not None:
        links.append(Link(href=url_for(request, "ogc_items", base | {"limit": limit, "offset": page.next_offset}, layer_id=layer.spec.id),
                          rel="next", type=MediaType.geojson, title="Next page"))
    if page.prev_offset is not None:
        links.append(Link(href=url_for(request, "ogc_items", base | {"limit": limit, "offset": page.prev_offset}, layer_id=layer.spec.id),
                          rel="prev", type=MediaType.geojson, title="Previous page"))
    return links


@router.get(
    "/collections/{layer_id}/items",
    name="ogc_items",
    summary="Features of a collection",
    response_class=Response,
    responses={200: {"content": {MediaType.geojson.value: {}, MediaType.html.value: {}}}},
)
async def items(
    request: Request,
    catalog: CatalogDep,
    layer: LayerDep,
    f: FormatQ = None,
    limit: Annotated[int | None, Query(ge=1, description="Page size; values above the server's cap are clamped to it (see numberReturned)")] = None,
    offset: Annotated[int, Query(ge=0, description="Index of the first feature")] = 0,
    bbox: Annotated[str | None, Query(max_length=200, description="minx,miny,maxx,maxy in bbox-crs (default CRS84 lon/lat)")] = None,
    bbox_crs: Annotated[str | None, Query(alias="bbox-crs", max_length=100, description="CRS of bbox")] = None,
    datetime: Annotated[str | None, Query(max_length=100, description="Instant or interval; matched against the documented period")] = None,
    crs: Annotated[str | None, Query(max_length=100, description="Output CRS: CRS84 (default), EPSG:4326, EPSG:4490, EPSG:3857")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text search in names, aliases, pinyin")] = None,
):
    """Features, paged, filtered and in the requested CRS."""
    settings = request.app.state.settings
    page_size = min(limit or settings.default_limit, settings.max_limit)
    out_uri, out_crs = supported_crs(crs) if crs else (CRS84_URI, None)
    if bbox is None and bbox_crs is not None:
        raise BadParameter("bbox-crs given without bbox")
    period = parse_datetime(datetime) if datetime else None
    if period is not None and layer.spec.temporal_fields is None:
        raise BadParameter(f"collection {layer.spec.id} has no temporal property for datetime")
    query = FeatureQuery(
        bbox=parse_bbox_in_crs(bbox, bbox_crs) if bbox is not None else None,
        q=(q or "").strip() or None,
        filters=_property_filters(request, layer),
        period=period,
        limit=page_size,
        offset=offset,
    )
    headers = {"Content-Crs": f"<{out_uri}>"}
    if limit and limit > settings.max_limit:
        headers["Warning"] = f'299 - "limit {limit} clamped to {settings.max_limit}"'
    page = catalog.select(layer.spec.id, query)
    if not _wants_html(request, f):
        links = [link.model_dump(mode="json", exclude_none=True) for link in _links(request, layer, page)]
        return collection_response(request, catalog, layer, page.positions, crs=out_crs, media_type=MediaType.geojson.value,
                                   headers=headers, numberMatched=page.matched, numberReturned=page.returned, links=links)
    rows = [
        {"href": url_for(request, "ogc_item", {"f": "html"}, layer_id=layer.spec.id, feature_id=fid), "id": fid, "name_zh": n, "name_en": e}
        for fid, n, e in zip(page.items["id"], page.items["name_zh"], page.items["name_en"])
    ]
    nav = [{"rel": link.rel, "href": link.href.replace("?", "?f=html&", 1)} for link in _links(request, layer, page) if link.rel in {"prev", "next"}]
    return _page(request, "ogc_items.html", title=layer.spec.title_en, title_zh=layer.spec.title_zh, title_en=layer.spec.title_en,
                 matched=page.matched, first=offset + 1, last=offset + page.returned, rows=rows, nav=nav)


@router.get(
    "/collections/{layer_id}/items/{feature_id}",
    name="ogc_item",
    summary="One feature",
    response_class=Response,
    responses={200: {"content": {MediaType.geojson.value: {}, MediaType.html.value: {}}}},
)
async def item(
    request: Request,
    catalog: CatalogDep,
    layer: LayerDep,
    feature_id: str,
    f: FormatQ = None,
    crs: Annotated[str | None, Query(max_length=100, description="Output CRS")] = None,
):
    out_uri, out_crs = supported_crs(crs) if crs else (CRS84_URI, None)
    found, row = catalog.feature(feature_id)
    if found.spec.id != layer.spec.id:
        raise UnknownFeatureError(f"unknown feature {feature_id!r} in collection {layer.spec.id}")
    feature = features(row, crs=out_crs)[0]
    feature["links"] = [
        Link(href=this_url(request), rel="self", type=MediaType.geojson, title="This feature").model_dump(mode="json"),
        Link(href=url_for(request, "ogc_collection", layer_id=layer.spec.id), rel="collection", type=MediaType.json, title="The collection").model_dump(mode="json"),
    ]
    if _wants_html(request, f):
        title = str(feature["properties"].get("name_zh"))
        return _page(request, "ogc_item.html", title=title, properties=[(k, str(v)) for k, v in feature["properties"].items()])
    return Response(dumps(feature), media_type=MediaType.geojson.value, headers={"Content-Crs": f"<{out_uri}>"})
