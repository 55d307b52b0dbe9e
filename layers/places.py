"""Layer ``places``: the gazetteer of the places the project rows name.

One feature per distinct place (name as written + the adcode of its unit), located as
:mod:`layers.gazetteer` locates it, with the datum and source of the coordinate and the
projects that name it. No offline source gives surveyed coordinates for stations, terminals or
airports, so every place sits at its unit's Tianditu point (``approximate``); a planner who
wants to know where a line was drawn through can see exactly which point stood in.
"""

from __future__ import annotations

import geopandas as gpd

from geo.lines import point
from layers import boundaries, gazetteer
from layers.context import BuildContext
from layers.names import pinyin
from layers.projects import PROJECT_LAYERS
from layers.spec import COMMON_FIELDS, Field, LayerSpec, frame_from_records

SPEC = LayerSpec(
    id="places",
    title_zh="地名表",
    title_en="Gazetteer of named places",
    description="Every place the project rows name, with the coordinate used for it, its datum and source, and the projects that name it.",
    geometry_type="Point",
    fields=COMMON_FIELDS
    + (
        Field("adcode", "string", "Administrative unit the place is in", required=True),
        Field("unit_name_zh", "string", "Name of that unit"),
        Field("unit_level", "string", "province, city or county"),
        Field("lon", "number", "Longitude used, WGS84"),
        Field("lat", "number", "Latitude used, WGS84"),
        Field("datum", "string", "Datum of the source coordinate"),
        Field("point_source", "string", "Where the coordinate comes from"),
        Field("used_by", "array", "Ids of the project features that name this place"),
    ),
    group="reference",
    id_prefix="place",
    depends_on=tuple(p.layer_id for p in PROJECT_LAYERS),
    searchable_fields=("name_zh", "name_en", "aliases", "adcode"),
    data_sources=(boundaries.TIANDITU,),
    summary_fields=("adcode",),
)


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Collect the places of every project layer."""
    seen: dict[tuple[str, str], dict] = {}
    for layer_id in ctx.spec.depends_on:
        frame = ctx.dep(layer_id)
        for fid, places in zip(frame["id"], frame["places"]):
            for p in places:
                key = (p["name_zh"], p["adcode"])
                if key not in seen:
                    loc = gazetteer.locate(p["adcode"])
                    seen[key] = {
                        "id": f"place:{p['adcode']}:{p['name_zh']}",
                        "layer": SPEC.id,
                        "name_zh": p["name_zh"],
                        "name_en": pinyin(p["name_zh"]),
                        "aliases": [],
                        "kind": loc.level,
                        "sources": [],
                        "geometry_quality": "approximate",
                        "adcode": p["adcode"],
                        "unit_name_zh": loc.unit_name_zh,
                        "unit_level": loc.level,
                        "lon": loc.lon,
                        "lat": loc.lat,
                        "datum": "CGCS2000 (Tianditu), used as WGS84",
                        "point_source": loc.point_source,
                        "used_by": [],
                    }
                if fid not in seen[key]["used_by"]:
                    seen[key]["used_by"].append(fid)
    records = sorted(seen.values(), key=lambda r: (r["adcode"], r["name_zh"]))
    return frame_from_records(records, [point(r["lon"], r["lat"]) for r in records], SPEC)
