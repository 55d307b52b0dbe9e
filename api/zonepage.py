"""The zone focus page (/zones/{id}) and its standalone offline export.

What the page shows is computed in :func:`layers.reports.zone_report` (the zone, its members,
the projects touching it by layer and status); here it is drawn: a Folium map with the members
highlighted, SVG charts (no chart library) and the ``zone_page.html`` template. The export
inlines Leaflet and the data, so the file opens offline.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from api.mapview import ICON_LINKS
from api.templates import render
from geo.geojson import dumps, feature_collection
from layers.reports import ZoneReport
from layers.status import STATUS_VOCABULARY

STATIC = Path(__file__).resolve().parent.parent / "static"
E = html.escape


def layer_labels(catalog) -> dict[str, str]:
    """Project layers' labels (``铁路 Rail``) from their specs, in registry order."""
    return {layer.spec.id: f"{layer.spec.presentation.label_zh} {layer.spec.presentation.label_en}"
            for layer in catalog.in_group("projects") if layer.spec.presentation}


def bar_chart_svg(rows: list[tuple[str, float]], unit: str, width: int = 420) -> str:
    """Horizontal bars with labels and values, as inline SVG."""
    top = max((v for _, v in rows), default=1) or 1
    height = 28 * len(rows) + 10
    bars = []
    for i, (label, value) in enumerate(rows):
        w = (width - 200) * value / top
        y = 8 + 28 * i
        bars.append(
            f'<text x="0" y="{y + 15}" font-size="13">{E(label)}</text>'
            f'<rect x="110" y="{y}" width="{w:.1f}" height="20" fill="#0072B2"></rect>'
            f'<text x="{114 + w:.1f}" y="{y + 15}" font-size="12">{value:,.0f} {E(unit)}</text>'
        )
    return f'<svg role="img" aria-label="bar chart" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'


def stacked_status_svg(counts: dict[str, dict[str, int]], labels: dict[str, str], width: int = 520) -> str:
    """One stacked bar per layer, segments by status (colour-blind-safe palette), with a key."""
    top = max((sum(c.values()) for c in counts.values()), default=1) or 1
    rows = [m for m in labels if counts.get(m)]
    height = 28 * len(rows) + 40
    parts = []
    for i, mode in enumerate(rows):
        y, x = 8 + 28 * i, 130.0
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{E(labels[mode])}</text>')
        for status in STATUS_VOCABULARY:
            n = counts[mode].get(status.key, 0)
            if n:
                w = (width - 170) * n / top
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{status.colour}"><title>{status.key}: {n}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{sum(counts[mode].values())}</text>')
    key_y = 8 + 28 * len(rows) + 8
    for j, status in enumerate(STATUS_VOCABULARY):
        parts.append(f'<rect x="{j * 86}" y="{key_y}" width="12" height="12" fill="{status.colour}"></rect>'
                     f'<text x="{j * 86 + 16}" y="{key_y + 11}" font-size="11">{E(status.label_en)}</text>')
    return f'<svg role="img" aria-label="projects by mode and status" width="{width}" height="{height + 20}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'


PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC",system-ui,sans-serif;margin:0;background:#f6f7f9;color:#222}
main{max-width:1100px;margin:16px auto;background:#fff;padding:12px 24px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{margin:4px 0 0}.en{color:#555;margin:2px 0 8px}#share{width:420px}
section.map{height:460px;margin:8px 0}section.map>div,section.map .folium-map{height:460px!important}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
ul.members{columns:3}.note{color:#555;font-size:13px}
@media print{#share,a[download]{display:none}main{box-shadow:none;margin:0}}
"""


def zone_map(report: ZoneReport, inline_assets: bool):
    """Folium map of the zone with its member counties highlighted (the rendered root)."""
    import folium  # on first use (a third of a second): a start serves its first request sooner

    bounds = report.frame.total_bounds
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True)
    if inline_assets:
        m.default_js, m.default_css = [], []
    else:
        m.default_js = [("leaflet", "/static/vendor/leaflet-1.9.4/leaflet.js")]
        m.default_css = [("leaflet_css", "/static/vendor/leaflet-1.9.4/leaflet.css")]
    members = report.member_counties
    if members is not None and len(members):
        folium.GeoJson(
            json.loads(dumps(feature_collection(members[["id", "name_zh", "name_en", "adcode", "geometry"]], decimals=5))),
            # Members that belong only in part are shown faintly: the zone is the outline, not them.
            name="members", style_function=lambda f, faint=report.zone["geometry_quality"] == "indicative": {
                "color": "#555", "weight": 1, "fillColor": "#E69F00", "fillOpacity": 0.08 if faint else 0.35,
                "dashArray": "4 3" if faint else None},
            tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en", "adcode"], labels=False),
        ).add_to(m)
    folium.GeoJson(
        json.loads(dumps(feature_collection(report.frame[["id", "name_zh", "geometry"]], decimals=5))),
        name="zone", style_function=lambda f: {"color": "#0072B2", "weight": 3, "fill": False},
    ).add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root = m.get_root()
    root.render()
    return root


def _figures(z) -> list[str]:
    figures = []
    documented, drawn = z["area_km2_documented"], z["area_km2_drawn"]
    if z["geometry_quality"] == "indicative" and z["area_difference_pct"] is None:
        figures.append(f"面积 Area: {documented:,.0f} km² documented; the member units drawn (hatched) cover {drawn:,.0f} km², "
                       "of which only part belongs (the text does not say which)")
    elif z["geometry_quality"] == "indicative":
        figures.append(f"面积 Area: {documented:,.0f} km² documented; the indicative outline is drawn to that area ({drawn:,.0f} km²)")
    elif documented:
        figures.append(f"面积 Area: {documented:,.0f} km² documented, {z['area_km2']:,.0f} km² measured ({z['area_difference_pct']:+.2f}%)")
    else:
        figures.append(f"面积 Area: {z['area_km2']:,.0f} km² measured (no documented figure)")
    if z["population_wan_documented"]:
        figures.append(f"人口 Population: {z['population_wan_documented']:,} 万人")
    if z["gdp_yi_yuan_documented"]:
        figures.append(f"地区生产总值 GDP: {z['gdp_yi_yuan_documented']:,} 亿元")
    return figures


def icon_links(offline: bool) -> str:
    """The page's icon: the site's (SVG and /favicon.ico); in the offline export, the SVG inlined
    as a data URI, so the file needs nothing from the server."""
    if not offline:
        return ICON_LINKS
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8").strip()
    return f'<link rel="icon" href="data:image/svg+xml,{quote(svg, safe=" =:/")}" type="image/svg+xml">'


def render_zone(report: ZoneReport, labels: dict[str, str], share_url: str, map_url: str,
                export_url: str | None, templates_dir: str | None = None) -> str:
    """The focus page; with ``export_url`` None, the offline export (Leaflet and data inlined)."""
    offline = export_url is None
    root = zone_map(report, inline_assets=offline)
    z = report.zone
    by_province = [({"sichuan": "四川 Sichuan", "chongqing": "重庆 Chongqing"}.get(k, k), v)
                   for k, v in (z["area_km2_by_province"] or {}).items() if v is not None]
    projects = [
        {"mode": labels.get(layer_id, layer_id), "name_zh": r["name_zh"], "name_en": r["name_en"], "status": r["status"],
         "status_zh": r["status_zh"], "as_of": r["status_as_of"] or "", "facility": r["facility_status"] or "",
         "works": (r["works_status"] or "").replace("_", " "), "quote": r["status_quote"]}
        for layer_id, r in report.projects
    ]
    context = {
        "z": z, "offline": offline, "share_url": share_url, "export_url": export_url, "map_url": map_url,
        "icon_links": Markup(icon_links(offline)), "icon": "/static/favicon.svg", "figures": _figures(z), "projects": projects,
        # Trusted markup made here or by Folium from escaped data; everything else is autoescaped.
        "map_header": Markup(root.header.render()), "map_div": Markup(root.html.render()),
        "map_script": Markup(root.script.render()), "page_css": Markup(PAGE_CSS),
        "area_chart": Markup(bar_chart_svg(by_province, "km²")), "area_chart_empty": not by_province,
        "status_chart": Markup(stacked_status_svg(report.counts, labels)),
        "leaflet_css": Markup((STATIC / "vendor/leaflet-1.9.4/leaflet.css").read_text(encoding="utf-8")) if offline else "",
        "leaflet_js": Markup((STATIC / "vendor/leaflet-1.9.4/leaflet.js").read_text(encoding="utf-8")) if offline else "",
    }
    return render("zone_page.html", templates_dir, **context)
