"""The map page, rendered with Folium on vendored assets only.

Folium builds the page: the map, one empty feature group per layer, the layer control, scale
bar and an optional online basemap. ``static/atlas.js`` then fetches every layer from the API
(no geometry is inlined: the HTML stays small) and fills the groups, styles them, binds popups,
builds the legend panels, places the name labels (from the layers in ``LABEL_LAYERS``), keeps
the view in the URL and exports it as PNG or print with a source line naming the datasets the
config lists per layer. Nothing is loaded from a CDN: Folium's default CDN assets are replaced
by files in ``static/vendor``, and the export draws the map's own SVG on a canvas.

The requests the map makes first leave with the page: the layers the specs show at start and
the label layer are ``<link rel="preload" as="fetch" crossorigin>`` in the head
(:func:`start_requests`), and the script fetches exactly those URLs (``config.preload``), so
the browser hands it the responses it already has; hidden layers are fetched after the first
view is drawn.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection
from urllib.parse import quote


from api.settings import Settings
from api.templates import render
from layers.spec import MAP_DETAIL_LEVELS, LayerSpec
from layers.status import status_config

LEAFLET = "/static/vendor/leaflet-1.9.4"

#: The site's icon, declared by every HTML page: the SVG, and the ICO (also at /favicon.ico)
#: for browsers without SVG icons.
#: (The ICO's ``sizes="32x32"`` keeps browsers that read SVG from choosing the ICO instead.)
ICON_LINKS = ('<link rel="icon" href="/favicon.ico" sizes="32x32">\n'
              '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">')


#: Layers the map reads its place names from, best first: the gazetteer (with ``label_rank``),
#: else the label points of the administrative units.
LABEL_LAYERS = ("places", "cities", "counties")

#: Zoom levels "zoomed" layers are fetched at (the catalog makes their frames with the build):
#: a map zoom uses the first level at or above it (the last beyond them). The script reads
#: them from its config.
DETAIL_LEVELS = MAP_DETAIL_LEVELS


def detail_level(zoom: float) -> int:
    """The detail level a map zoom fetches its zoomed layers at (as ``atlas.js`` does)."""
    return next((level for level in DETAIL_LEVELS if zoom <= level), DETAIL_LEVELS[-1])


def layer_url(api: str, layer_id: str, zoomed: bool, level: int) -> str:
    """The URL the map fetches a layer from: at ``level`` if the layer is zoomed, else in full."""
    return f"{api}/layers/{quote(layer_id, safe='')}" + (f"?zoom={level}" if zoomed else "")


def start_requests(layers: list[dict], labels: dict[str, list[dict]], api: str, zoom: float,
                   labels_at_level: Collection[str] = ()) -> dict:
    """The requests the map makes before its first view is drawn: every layer the specs show at
    start (in draw order) at the start zoom's level, and the first label layer (at that level
    if it is one of ``labels_at_level``, else in full). A layer kept off the layer control (the
    layout, drawn one plan at a time once a plan is chosen) draws nothing at start: it is
    fetched with the hidden ones, after the first view.

    Returns ``{"level": …, "layers": {id: url}, "labels": {id: url}}``, the script's
    ``config.preload``; the page preloads the same URLs.
    """
    level = detail_level(zoom)
    start = {e["id"]: layer_url(api, e["id"], e["zoomed"], level) for e in layers if e["visible"] and e["in_control"]}
    label = next(iter(labels), None)
    return {"level": level, "layers": start,
            "labels": {label: layer_url(api, label, label in labels_at_level, level)} if label else {}}


def preload_links(preload: dict) -> str:
    """``<link rel=preload>`` for each start request: ``as="fetch"`` with ``crossorigin``
    (anonymous: same-origin credentials, CORS mode) matches what ``fetch(url)`` asks for, so the
    script's request reuses the preloaded response."""
    urls = [*preload["layers"].values(), *preload["labels"].values()]
    return "\n".join(f'<link rel="preload" as="fetch" crossorigin href="{html.escape(u)}">' for u in urls)


def _sources(spec: LayerSpec) -> list[dict]:
    """A layer's datasets, for the source line of exported and printed maps."""
    return [{"name": d.name, "licence": d.licence} for d in spec.data_sources]


def map_layers(specs: list[LayerSpec], available: list[str]) -> list[dict]:
    """The map's layers, from the specs: every built layer with a presentation, in draw order."""
    drawn = [s for s in specs if s.presentation is not None and s.id in available]
    return [
        {"id": s.id, "group": s.group, "title_zh": s.title_zh, "title_en": s.title_en, **s.presentation.as_dict(),
         "sources": _sources(s)}
        for s in sorted(drawn, key=lambda s: s.presentation.order)
    ]


def ranked_label_layers(specs: list[LayerSpec]) -> set[str]:
    """Label layers the map fetches at its level: those whose display properties carry the
    rank the labeller places names by (the gazetteer), a third of the whole layer's bytes. The
    label points of units are not display properties: those layers come in full."""
    return {s.id for s in specs if s.id in LABEL_LAYERS and "label_rank" in s.summary_fields}


def label_layers(specs: list[LayerSpec], available: list[str]) -> dict[str, list[dict]]:
    """The layers place names come from (those built), with their datasets."""
    by_id = {s.id: s for s in specs}
    return {lid: _sources(by_id[lid]) for lid in LABEL_LAYERS if lid in available and lid in by_id}


#: The settings the map page is rendered from (api.routes.pages.map_page renders it from these
#: alone and keys the kept page by them).
MAP_SETTINGS = ("title", "basemap_url", "basemap_attribution", "basemap_datum", "tianditu_key", "default_map_zoom", "templates_dir")


def render_map(settings: Settings, specs: list[LayerSpec], available_layers: list[str], static_version: str = "1") -> str:
    """Return the overview map's HTML.

    Parameters
    ----------
    settings : Settings
        Basemap and title settings.
    specs : list of LayerSpec
        Every registered layer's spec: the map's layers, labels, styles and legend come from them.
    available_layers : list of str
        Layers the catalog could build; a broken one is left out of the map (and reported by
        /api/layers) instead of breaking the page.
    static_version : str
        Appended to asset URLs so browsers reload changed assets.
    """
    # Imported here (0.3 s): a start does not wait for it; the start's warm-up renders the page
    # in the background (api.app.warm_first_map), so the first visitor does not either.
    import folium
    from branca.element import Element

    m = folium.Map(
        location=[30.2, 105.6],
        zoom_start=settings.default_map_zoom,
        tiles=None,
        control_scale=True,
        min_zoom=5,
        max_zoom=14,
    )
    # Vendored assets instead of Folium's CDN defaults (offline first), placed in the head below.
    m.default_js, m.default_css = [], []
    if settings.basemap_url:
        folium.TileLayer(
            tiles=settings.basemap_url,
            attr=settings.basemap_attribution or "basemap",
            name=f"在线底图 Online basemap ({settings.basemap_datum})",
            overlay=False,
            show=False,
        ).add_to(m)
    if settings.tianditu_key:
        from urllib.parse import quote

        key = quote(settings.tianditu_key, safe="")
        for layer, name, overlay in (("vec", "天地图 Tianditu (CGCS2000)", False), ("cva", "天地图注记 Tianditu labels", True)):
            folium.TileLayer(
                tiles=f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
                f"&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}",
                attr="© 天地图 Tianditu (National Platform for Common Geospatial Information Services)",
                name=name,
                overlay=overlay,
                show=False,
                subdomains="01234567",
            ).add_to(m)
    layers = map_layers(specs, available_layers)
    groups = {}
    for entry in layers:
        # Layers kept off the control (the layout) are filled by the map script on demand.
        group = folium.FeatureGroup(name=f"{entry['label_zh']} {entry['label_en']}", show=entry["visible"], control=entry["in_control"])
        group.add_to(m)
        groups[entry["id"]] = group
    folium.LayerControl(collapsed=False, position="topright").add_to(m)

    root = m.get_root()
    root.title = settings.title
    root.header.add_child(Element('<meta name="description" content="Chengdu–Chongqing Economic Circle planning map">'))
    root.header.add_child(Element(ICON_LINKS))
    # The page's own assets first (a browser opens six connections to a host: the preloads must
    # not hold the scripts up), then the preloads. Leaflet runs as parsed (Folium's script at the
    # end of the body needs it); atlas.js is deferred (it runs once the page is parsed) at high
    # priority, which a deferred script does not get by default.
    labels = label_layers(specs, available_layers)
    preload = start_requests(layers, labels, "/api", settings.default_map_zoom, ranked_label_layers(specs))
    root.header.add_child(Element(
        f'<script src="{LEAFLET}/leaflet.js"></script>\n'
        f'<link rel="stylesheet" href="{LEAFLET}/leaflet.css">\n'
        f'<link rel="stylesheet" href="/static/atlas.css?v={static_version}">\n'
        f'<script defer fetchpriority="high" src="/static/atlas.js?v={static_version}"></script>\n'
        + preload_links(preload)))
    root.html.add_child(Element(render("map_side.html", settings.templates_dir)))
    config = {
        "map": m.get_name(),
        "groups": {layer_id: g.get_name() for layer_id, g in groups.items()},
        "layers": layers,
        "statuses": status_config(),
        "labels": labels,
        "api": "/api",
        "zoom": settings.default_map_zoom,
        "levels": list(DETAIL_LEVELS),
        "preload": preload,
    }
    # Runs once the document is parsed: after Folium's own script (at the end of the body) has
    # created the map and the groups, and after the deferred atlas.js; not at "load", which
    # waits for the preloads to end.
    root.script.add_child(Element(f"document.addEventListener('DOMContentLoaded', function () {{ AtlasMap.init({json.dumps(config)}); }});"))
    return root.render()
