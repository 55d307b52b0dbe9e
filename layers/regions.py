"""The three region layers (provinces, cities, counties): rows of one table, one builder.

Boundaries are Tianditu's (:mod:`layers.boundaries`); membership in the economic circle comes
from the built ``economic_circle`` layer, which each region layer declares it depends on.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from geo.measure import area_km2
from layers import boundaries
from layers.context import BuildContext
from layers.names import english_name
from layers.spec import COMMON_FIELDS, Field, LayerSpec, Presentation

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


@dataclass(frozen=True)
class RegionLevel:
    """One row of the region table: a layer id, the boundary level it draws, titles and map style."""

    layer_id: str
    level: str
    title_zh: str
    title_en: str
    description: str
    presentation: Presentation | None


#: The region layers. A new level is one row here.
REGION_LEVELS: tuple[RegionLevel, ...] = (
    RegionLevel("provinces", "province", "省级行政区（四川省、重庆市）", "Provinces",
                "Sichuan Province and Chongqing Municipality.",
                Presentation("省界", "Provinces", style="outline", order=10, zoomed=True, refetch=True)),
    RegionLevel("cities", "city", "地级行政区（四川省）", "Prefecture-level cities",
                "The 21 prefecture-level units of Sichuan. Chongqing has no prefecture level: its districts and "
                "counties are in the counties layer with parent 500000.",
                None),
    RegionLevel("counties", "county", "县级行政区", "Counties and districts",
                "County-level units (districts, counties, county-level cities, autonomous counties) of Sichuan and Chongqing.",
                Presentation("区县", "Counties", style="region", order=20, zoomed=True, refetch=True)),
)

_KIND_BY_SUFFIX = (("自治县", "autonomous_county"), ("自治州", "autonomous_prefecture"), ("区", "district"), ("县", "county"), ("市", "city"), ("省", "province"))


def _kind(level: str, name_zh: str) -> str:
    if level == "province":
        return "municipality" if name_zh == "重庆市" else "province"
    for suffix, kind in _KIND_BY_SUFFIX:
        if name_zh.endswith(suffix):
            return ("county_level_city" if kind == "city" and level == "county" else kind)
    return level


def region_spec(row: RegionLevel) -> LayerSpec:
    """The spec of a region layer."""
    return LayerSpec(
        id=row.layer_id,
        title_zh=row.title_zh,
        title_en=row.title_en,
        description=row.description,
        geometry_type="Polygon",
        fields=REGION_FIELDS,
        group="base",
        id_prefix="region",
        depends_on=("economic_circle",),
        searchable_fields=("name_zh", "name_en", "aliases", "adcode"),
        summary_fields=REGION_SUMMARY,
        data_sources=(boundaries.TIANDITU,),
        presentation=row.presentation,
    )


def circle_membership(circle: gpd.GeoDataFrame) -> dict[str, str]:
    """``full`` or ``partial`` per county adcode, from the built economic-circle layer."""
    out: dict[str, str] = {}
    for kind, members in zip(circle["kind"], circle["members"]):
        for m in members:
            out[m["adcode"]] = kind
    return out


def membership_of(adcode: str, county_membership: dict[str, str]) -> str:
    """Membership of any unit: a city or province is ``full`` only if all its counties are."""
    values = {county_membership.get(c, "no") for c in boundaries.counties_of(adcode)}
    if values == {"full"}:
        return "full"
    if values == {"no"}:
        return "no"
    return "partial"


def region_builder(row: RegionLevel):
    """The builder of the region layer of a table row."""
    return lambda ctx: build_region(ctx, row.level)


def build_region(ctx: BuildContext, level: str) -> gpd.GeoDataFrame:
    """A region layer: Tianditu units of ``level`` with names, parent, area and membership."""
    source = {"province": boundaries.provinces, "city": boundaries.cities, "county": boundaries.counties}[level]()
    membership = circle_membership(ctx.dep("economic_circle"))
    out = gpd.GeoDataFrame(
        {
            "id": [f"region:{a}" for a in source["adcode"]],
            "layer": ctx.spec.id,
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
            "in_economic_circle": [membership_of(a, membership) for a in source["adcode"]],
            "label_lon": source["lon"],
            "label_lat": source["lat"],
        },
        geometry=source.geometry.values,
        crs=source.crs,
    )
    out["area_km2"] = area_km2(out).round(2).astype(float)
    out["parent_adcode"] = out["parent_adcode"].astype(object).where(out["parent_adcode"].notna(), None)
    return out
