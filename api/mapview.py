"""The map page, rendered with Folium on vendored assets only.

Folium builds the page: the map, one empty feature group per layer, the layer control, scale
bar and an optional online basemap. ``static/atlas.js`` then fetches every layer from the API
(no geometry is inlined: the HTML stays small) and fills the groups, styles them, binds popups,
builds the legend panels, places the name labels (from the layers in ``LABEL_LAYERS``), keeps
the view in the URL and exports it as PNG or print with a source line naming the datasets the
config lists per layer. Nothing is loaded from a CDN: Folium's default CDN assets are replaced
by files in ``static/vendor``, and the export draws the map's own SVG on a canvas.
"""

from __future__ import annotations

import json

from api.settings import Settings
from api.templates import render
from layers.spec import LayerSpec
from layers.status import status_config

LEAFLET = "/static/vendor/leaflet-1.9.4"


#: Layers the map reads its place names from, best first: the gazetteer (with ``label_rank``),
#: else the label points of the administrative units.
LABEL_LAYERS = ("places", "cities", "counties")


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


def label_layers(specs: list[LayerSpec], available: list[str]) -> dict[str, list[dict]]:
    """The layers place names come from (those built), with their datasets."""
    by_id = {s.id: s for s in specs}
    return {lid: _sources(by_id[lid]) for lid in LABEL_LAYERS if lid in available and lid in by_id}


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
    import folium  # lazily: only the web app needs Folium
    from branca.element import Element, JavascriptLink

    m = folium.Map(
        location=[30.2, 105.6],
        zoom_start=settings.default_map_zoom,
        tiles=None,
        control_scale=True,
        min_zoom=5,
        max_zoom=14,
    )
    # Vendored assets instead of Folium's CDN defaults (offline first).
    m.default_js = [("leaflet", f"{LEAFLET}/leaflet.js")]
    m.default_css = [
        ("leaflet_css", f"{LEAFLET}/leaflet.css"),
        ("atlas_css", f"/static/atlas.css?v={static_version}"),
    ]
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
    root.header.add_child(Element('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'))
    root.html.add_child(Element(render("map_side.html", settings.templates_dir)))
    root.html.add_child(JavascriptLink(f"/static/atlas.js?v={static_version}"))
    config = {
        "map": m.get_name(),
        "groups": {layer_id: g.get_name() for layer_id, g in groups.items()},
        "layers": layers,
        "statuses": status_config(),
        "labels": label_layers(specs, available_layers),
        "api": "/api",
        "zoom": settings.default_map_zoom,
    }
    # Runs after Folium's own script has created the map and the groups.
    root.script.add_child(Element(f"window.addEventListener('load', function () {{ AtlasMap.init({json.dumps(config)}); }});"))
    return root.render()
