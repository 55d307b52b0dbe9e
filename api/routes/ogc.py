"""OGC API – Features under /ogc: Part 1 (core, geojson, html, oas30) and Part 2 (crs).

The collections are the catalog's layers. Items are paged with limit/offset (next/prev links,
numberMatched/numberReturned), filtered by bbox (with bbox-crs), datetime (against project
periods), and any simple property of the layer (``?kind=high_speed``), and served in CRS84,
EPSG:4326, EPSG:4490 or EPSG:3857 in each CRS's own axis order, with a Content-Crs header.
"""

from __future__ import annotations

import html
import re
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pyproj import Transformer

from api.caching import cached_response
from api.deps import CatalogDep, LayerDep
from api.errors import ERROR_RESPONSES, BadParameter
from geo.bbox import BBox, parse_bbox
from geo.crs import CRS84_URI, SUPPORTED_OUTPUT_CRS, is_lat_first, supported_crs
from geo.geojson import dumps, feature_collection, features
from layers.catalog import Layer
from layers.errors import QueryError

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"], responses=ERROR_RESPONSES)

GEOJSON = "application/geo+json"
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

JSON_OR_HTML = {200: {"content": {"application/json": {}, "text/html": {}}}}
FormatQ = Annotated[Literal["json", "html"] | None, Query(alias="f", description=FORMAT_DOC)]


def _wants_html(request: Request, f: str | None) -> bool:
    if f is not None:
        return f == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "json" not in accept


def _url(request: Request, name: str, query: dict | None = None, **path) -> str:
    url = str(request.url_for(name, **path))
    return url + ("?" + urlencode(query) if query else "")


def _link(href: str, rel: str, type_: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": title}


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>"
        + html.escape(title)
        + "</title><link rel='stylesheet' href='/static/ogc.css'></head><body><main>"
        + body
        + "</main></body></html>"
    )


def _links_html(links: list[dict]) -> str:
    return "<ul>" + "".join(
        f"<li><a href='{html.escape(l['href'])}'>{html.escape(l['title'])}</a> ({html.escape(l['rel'])}, {html.escape(l['type'])})</li>"
        for l in links
    ) + "</ul>"


@router.get("", name="ogc_landing", summary="Landing page", responses=JSON_OR_HTML)
def landing(request: Request, f: FormatQ = None):
    """Links to the API definition, conformance and collections."""
    links = [
        _link(_url(request, "ogc_landing"), "self", "application/json", "This document"),
        _link(_url(request, "ogc_landing", {"f": "html"}), "alternate", "text/html", "This document as HTML"),
        _link(_url(request, "ogc_api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "API definition (OpenAPI 3.0)"),
        _link(str(request.url_for("api_docs")), "service-doc", "text/html", "API documentation"),
        _link(_url(request, "ogc_conformance"), "conformance", "application/json", "Conformance classes"),
        _link(_url(request, "ogc_collections"), "data", "application/json", "Collections"),
    ]
    body = {"title": "Chengyu Atlas — OGC API Features", "description": "Layers of the Chengdu–Chongqing Economic Circle planning map", "links": links}
    if _wants_html(request, f):
        return _page(body["title"], f"<h1>{html.escape(body['title'])}</h1><p>{html.escape(body['description'])}</p>{_links_html(links)}")
    return body


@router.get("/conformance", name="ogc_conformance", summary="Conformance classes", responses=JSON_OR_HTML)
def conformance(request: Request, f: FormatQ = None):
    if _wants_html(request, f):
        return _page("Conformance", "<h1>Conformance</h1><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in CONFORMANCE) + "</ul>")
    return {"conformsTo": CONFORMANCE}


@router.get("/api", name="ogc_api", summary="API definition (OpenAPI 3.0)",
            responses={200: {"content": {"application/vnd.oai.openapi+json;version=3.0": {}}}})
def api_definition(request: Request) -> Response:
    """The app's OpenAPI document, expressed as OpenAPI 3.0 (nullable instead of null types)."""
    doc = _to_openapi30(request.app.openapi())
    return JSONResponse(doc, media_type="application/vnd.oai.openapi+json;version=3.0")


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


def _collection(request: Request, layer: Layer) -> dict:
    spec = layer.spec
    items = _url(request, "ogc_items", layer_id=spec.id)
    extent = {"spatial": {"bbox": [layer.bbox], "crs": CRS84_URI}}
    if "period_start" in layer.frame.columns:
        starts = [v for v in layer.frame["period_start"] if v is not None]
        ends = [v for v in layer.frame["period_end"] if v is not None]
        if starts or ends:
            extent["temporal"] = {
                "interval": [[f"{min(starts)}-01-01T00:00:00Z" if starts else None, f"{max(ends)}-12-31T23:59:59Z" if ends else None]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            }
    return {
        "id": spec.id,
        "title": f"{spec.title_zh} {spec.title_en}",
        "description": spec.description,
        "itemType": "feature",
        "extent": extent,
        "crs": list(SUPPORTED_OUTPUT_CRS),
        "storageCrs": CRS84_URI,
        "links": [
            _link(_url(request, "ogc_collection", layer_id=spec.id), "self", "application/json", "This collection"),
            _link(items, "items", GEOJSON, "Items as GeoJSON"),
            _link(items + "?f=html", "items", "text/html", "Items as HTML"),
            _link(_url(request, "download_layer", {"format": "gpkg"}, layer_id=spec.id), "enclosure", "application/geopackage+sqlite3", "Download as GeoPackage"),
        ],
    }


@router.get("/collections", name="ogc_collections", summary="Collections", responses=JSON_OR_HTML)
def collections(request: Request, catalog: CatalogDep, f: FormatQ = None):
    entries = [_collection(request, layer) for layer in catalog.layers.values()]
    links = [_link(_url(request, "ogc_collections"), "self", "application/json", "Collections")]
    if _wants_html(request, f):
        rows = "".join(
            f"<li><a href='{html.escape(e['links'][2]['href'])}'>{html.escape(e['title'])}</a> — {html.escape(e['description'])}</li>"
            for e in entries
        )
        return _page("Collections", f"<h1>Collections</h1><ul>{rows}</ul>")
    return {"collections": entries, "links": links, "crs": list(SUPPORTED_OUTPUT_CRS)}


@router.get("/collections/{layer_id}", name="ogc_collection", summary="One collection", responses=JSON_OR_HTML)
def collection(request: Request, layer: LayerDep, f: FormatQ = None):
    entry = _collection(request, layer)
    if _wants_html(request, f):
        fields = "".join(f"<li><b>{html.escape(fl.name)}</b> ({fl.type}): {html.escape(fl.description)}</li>" for fl in layer.spec.fields)
        return _page(entry["title"], f"<h1>{html.escape(entry['title'])}</h1><p>{html.escape(entry['description'])}</p><h2>Properties</h2><ul>{fields}</ul>{_links_html(entry['links'])}")
    return entry


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


def parse_datetime(value: str) -> tuple[int | None, int | None]:
    """An RFC 3339 instant or interval (``a/b``, ``../b``, ``a/..``) as a (start, end) year range."""
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
    return years[0], years[1]


def _bbox_in_crs84(raw: str | None, bbox_crs: str | None) -> BBox | None:
    if raw is None:
        if bbox_crs is not None:
            raise BadParameter("bbox-crs given without bbox")
        return None
    if bbox_crs is None:
        return parse_bbox(raw)
    uri, crs = supported_crs(bbox_crs)
    values = [v.strip() for v in raw.split(",")]
    if len(values) != 4:
        raise BadParameter("bbox needs 4 numbers")
    try:
        a, b, c, d = (float(v) for v in values)
    except ValueError:
        raise BadParameter("bbox values must be numbers") from None
    if is_lat_first(crs):  # EPSG:4326/4490: minlat,minlon,maxlat,maxlon
        a, b, c, d = b, a, d, c
    if crs.is_geographic:
        return parse_bbox(f"{a},{b},{c},{d}")
    to_lonlat = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True)
    xs, ys = to_lonlat.transform([a, c, a, c], [b, b, d, d])
    return parse_bbox(f"{min(xs)},{min(ys)},{max(xs)},{max(ys)}")


def _property_filters(request: Request, layer: Layer) -> dict[str, str]:
    filters = {}
    simple = {f.name for f in layer.spec.fields}
    for key, value in request.query_params.items():
        if key in RESERVED:
            continue
        if key not in simple:
            raise QueryError(f"unknown parameter or property {key[:40]!r}; properties of {layer.spec.id}: {', '.join(sorted(simple))}")
        filters[key] = value
    return filters


@router.get(
    "/collections/{layer_id}/items",
    name="ogc_items",
    summary="Features of a collection",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}, "text/html": {}}}},
)
def items(
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
    wants_html = _wants_html(request, f)
    box = _bbox_in_crs84(bbox, bbox_crs)
    where = _property_filters(request, layer)
    years = parse_datetime(datetime) if datetime else None
    if years is not None and "period_start" not in layer.frame.columns:
        raise BadParameter(f"collection {layer.spec.id} has no temporal property for datetime")
    headers = {"Content-Crs": f"<{out_uri}>"}
    if limit and limit > settings.max_limit:
        headers["Warning"] = f'299 - "limit {limit} clamped to {settings.max_limit}"'
    if not wants_html:
        key = ("ogc-items", layer.spec.id, layer.version, str(request.base_url), tuple(sorted(request.query_params.multi_items())))
        return cached_response(
            request, key, lambda: dumps(_items_body(request, catalog, layer, box, q, where, years, offset, page_size, out_crs)), GEOJSON, headers
        )
    matched, page, links = _select(request, catalog, layer, box, q, where, years, offset, page_size)
    rows = "".join(
        f"<tr><td><a href='{html.escape(_url(request, 'ogc_item', {'f': 'html'}, layer_id=layer.spec.id, feature_id=fid))}'>{html.escape(str(fid))}</a></td><td>{html.escape(str(n))}</td><td>{html.escape(str(e))}</td></tr>"
        for fid, n, e in zip(page["id"], page["name_zh"], page["name_en"])
    )
    nav = "".join(f"<a href='{html.escape(l['href'].replace('?', '?f=html&', 1))}'>{l['rel']}</a> " for l in links if l["rel"] in {"prev", "next"})
    return _page(layer.spec.title_en, f"<h1>{html.escape(layer.spec.title_zh)} {html.escape(layer.spec.title_en)}</h1><p>{len(matched)} features, showing {offset + 1}–{offset + len(page)}</p><table><tr><th>id</th><th>名称</th><th>name</th></tr>{rows}</table><p>{nav}</p>")


def _select(request, catalog, layer, box, q, where, years, offset, page_size):
    """Matching features, the requested page and the paging links."""
    matched = catalog.query(layer.spec.id, bbox=box, q=q, where=where)
    if years is not None:
        matched = matched[_period_overlaps(matched, *years)]
    page = matched.iloc[offset : offset + page_size]
    base = {k: v for k, v in request.query_params.items() if k not in {"offset", "limit"}}
    links = [_link(str(request.url), "self", GEOJSON, "This page")]
    if offset + page_size < len(matched):
        links.append(_link(_url(request, "ogc_items", base | {"limit": page_size, "offset": offset + page_size}, layer_id=layer.spec.id), "next", GEOJSON, "Next page"))
    if offset > 0:
        links.append(_link(_url(request, "ogc_items", base | {"limit": page_size, "offset": max(0, offset - page_size)}, layer_id=layer.spec.id), "prev", GEOJSON, "Previous page"))
    return matched, page, links


def _items_body(request, catalog, layer, box, q, where, years, offset, page_size, out_crs) -> dict:
    matched, page, links = _select(request, catalog, layer, box, q, where, years, offset, page_size)
    return feature_collection(
        page, crs=out_crs, numberMatched=int(len(matched)), numberReturned=int(len(page)), links=links
    )


def _period_overlaps(frame, start: int | None, end: int | None):
    import pandas as pd

    out = []
    for s, e in zip(frame["period_start"], frame["period_end"]):
        if s is None and e is None:
            out.append(False)
            continue
        lo = s if s is not None else -10_000
        hi = e if e is not None else 10_000
        out.append((end is None or lo <= end) and (start is None or start <= hi))
    return pd.Series(out, index=frame.index, dtype=bool)


@router.get(
    "/collections/{layer_id}/items/{feature_id}",
    name="ogc_item",
    summary="One feature",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}, "text/html": {}}}},
)
def item(
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
        from layers.errors import UnknownFeatureError

        raise UnknownFeatureError(f"unknown feature {feature_id!r} in collection {layer.spec.id}")
    feature = features(row, crs=out_crs)[0]
    feature["links"] = [
        _link(str(request.url), "self", GEOJSON, "This feature"),
        _link(_url(request, "ogc_collection", layer_id=layer.spec.id), "collection", "application/json", "The collection"),
    ]
    if _wants_html(request, f):
        props = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in feature["properties"].items())
        return _page(str(feature["properties"].get("name_zh")), f"<h1>{html.escape(str(feature['properties'].get('name_zh')))}</h1><table>{props}</table>")
    return Response(dumps(feature), media_type=GEOJSON, headers={"Content-Crs": f"<{out_uri}>"})
