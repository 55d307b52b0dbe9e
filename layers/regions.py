"""Shared definition of the three region layers (provinces, cities, counties)."""

from __future__ import annotations

import geopandas as gpd

from geo.measure import area_km2
from layers import boundaries, economic_circle
from layers.names import english_name
from layers.spec import COMMON_FIELDS, Field

#: What the map shows of a region at overview zooms (hover read-out and popup).
REGION_SUMMARY = ("adcode", "area_km2", "in_economic_circle")

REGION_FIELDS = COMMON_FIELDS + (
    Field("adcode", "string", "6-digit administrative division code (GB/T 2260)", required=True),
    Field("level", "string", "province, city or county", required=True),
    Field("province", "string", "sichuan or chongqing", required=True),
    Field("parent_adcode", "string", "adcode of the unit above (none for provinces)"),
    Field("area_km2", "number", "Area measured in the Albers equal-area projection for China, km²"),
    Field("in_economic_circle", "string", "full, partial or no: membership in the Outline's planning scope"),
    Field("label_lon", "number", "Longitude of the unit's point in the Tianditu table (WGS84)"),
    Field("label_lat", "number", "Latitude of the unit's point in the Tianditu table (WGS84)"),
)

_KIND_BY_SUFFIX = (("自治县", "autonomous_county"), ("自治州", "autonomous_prefecture"), ("区", "district"), ("县", "county"), ("市", "city"), ("省", "province"))


def _kind(level: str, name_zh: str) -> str:
    if level == "province":
        return "municipality" if name_zh == "重庆市" else "province"
    for suffix, kind in _KIND_BY_SUFFIX:
        if name_zh.endswith(suffix):
            return ("county_level_city" if kind == "city" and level == "county" else kind)
    return level


def region_frame(level: str, layer_id: str) -> gpd.GeoDataFrame:
    """Build a region layer frame for ``level`` with the shared fields, in spec order."""
    source = {"province": boundaries.provinces, "city": boundaries.cities, "county": boundaries.counties}[level]()
    out = gpd.GeoDataFrame(
        {
            "id": [f"region:{a}" for a in source["adcode"]],
            "layer": layer_id,
            "name_zh": source["name_zh"],
            "name_en": [english_name(n, s) for n, s in zip(source["name_zh"], source["short_name"])],
            "aliases": [[s] if s != n else [] for n, s in zip(source["name_zh"], source["short_name"])],
            "kind": [_kind(level, n) for n in source["name_zh"]],
            "sources": [[] for _ in range(len(source))],
            "geometry_quality": "administrative",
            "adcode": source["adcode"],
            "level": level,
            "province": source["province_adcode"].map(boundaries.PROVINCE_ADCODES),
            "parent_adcode": source["parent_adcode"],
            "area_km2": None,
            "in_economic_circle": [economic_circle.membership_of(a) for a in source["adcode"]],
            "label_lon": source["lon"],
            "label_lat": source["lat"],
        },
        geometry=source.geometry.values,
        crs=source.crs,
    )
    out["area_km2"] = area_km2(out).round(2).astype(float)
    out["parent_adcode"] = out["parent_adcode"].astype(object).where(out["parent_adcode"].notna(), None)
    return out
