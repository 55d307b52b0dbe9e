"""The map page, rendered with Folium on vendored assets only.

Folium builds the page: the map, one empty feature group per layer, the layer control, scale
bar and an optional online basemap. ``static/atlas.js`` then fetches every layer from the API
(no geometry is inlined: the HTML stays small) and fills the groups, styles them, binds popups
and builds the legend. Nothing is loaded from a CDN: Folium's default CDN assets are replaced
by files in ``static/vendor``.
"""

from __future__ import annotations

import json

from api.settings import Settings

LEAFLET = "/static/vendor/leaflet-1.9.4"

#: Layers the overview map shows, bottom to top: (layer id, label, shown at start).
MAP_LAYERS: tuple[tuple[str, str, bool], ...] = (
    ("provinces", "省界 Provinces", True),
    ("counties", "区县 Counties", True),
    ("rivers", "河流 Rivers", True),
    ("economic_circle", "经济圈范围 Economic circle", True),
    ("zones", "合作区 Zones", True),
    ("waterways", "航道 Waterways", True),
    ("highways", "公路 Roads", True),
    ("rail", "铁路 Rail", True),
    ("ports", "港口 Ports", True),
    ("airports", "机场 Airports", True),
    ("hubs", "枢纽与园区 Hubs & parks", False),
    ("water_resources", "水利 Water works", False),
)


def render_map(settings: Settings, available_layers: list[str], static_version: str = "1") -> str:
    """Return the overview map's HTML.

    Parameters
    ----------
    settings : Settings
        Basemap and title settings.
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
    groups = {}
    for layer_id, label, show in MAP_LAYERS:
        if layer_id not in available_layers:
            continue
        group = folium.FeatureGroup(name=label, show=show)
        group.add_to(m)
        groups[layer_id] = group
    if "layout" in available_layers:
        # Not in the layer control: the plan selector (atlas.js) fills it with one plan at a time.
        layout_group = folium.FeatureGroup(name="布局 Layout", control=False)
        layout_group.add_to(m)
        groups["layout"] = layout_group
    folium.LayerControl(collapsed=False, position="topright").add_to(m)

    root = m.get_root()
    root.title = settings.title
    root.header.add_child(Element('<meta name="description" content="Chengdu–Chongqing Economic Circle planning map">'))
    root.header.add_child(Element('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'))
    root.html.add_child(
        Element(
            '<div id="atlas-side">'
            '<div id="atlas-title" class="atlas-panel"><h1>成渝规划地图 <span>Chengyu Atlas</span></h1>'
            '<p>成渝地区双城经济圈 · 跨界合作区 · Chengdu–Chongqing Economic Circle</p>'
            '<div class="atlas-search" role="search">'
            '<input id="atlas-search" type="search" autocomplete="off" placeholder="搜索 地名、合作区、项目 Search places, zones, projects"'
            ' aria-label="Search places, zones and projects" aria-controls="atlas-results">'
            '<ul id="atlas-results" role="listbox" hidden></ul></div>'
            '<div class="atlas-row"><input id="atlas-adcode" inputmode="numeric" maxlength="6" placeholder="行政区划代码 adcode"'
            ' aria-label="Locate by adcode"><button id="atlas-fullscreen" type="button" title="Fullscreen">全屏 Fullscreen</button></div>'
            '<div class="atlas-row"><button id="atlas-measure" type="button" aria-pressed="false">测距 Measure</button>'
            '<button id="atlas-lang" type="button" aria-label="Language">中文 / English</button></div>'
            '<p id="atlas-status" role="status">正在加载图层… Loading layers…</p></div>'
            '<div id="atlas-legend" class="atlas-panel" aria-label="Legend"></div>'
            '</div>'
            '<div id="atlas-hover" class="atlas-panel" aria-live="polite"></div>'
            '<div id="atlas-minimap" class="atlas-panel" aria-label="Overview map"></div>'
        )
    )
    root.html.add_child(JavascriptLink(f"/static/atlas.js?v={static_version}"))
    config = {
        "map": m.get_name(),
        "groups": {layer_id: g.get_name() for layer_id, g in groups.items()},
        "api": "/api",
        "zoom": settings.default_map_zoom,
    }
    # Runs after Folium's own script has created the map and the groups.
    root.script.add_child(Element(f"window.addEventListener('load', function () {{ AtlasMap.init({json.dumps(config)}); }});"))
    return root.render()
