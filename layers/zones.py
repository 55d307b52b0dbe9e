"""Layer ``zones``: the cross-border and multi-unit zones the plans define.

Each zone is the union of its member units' Tianditu polygons (a member city contributes all
its counties). Where a member belongs only in part (town-level membership such as 川渝高竹新区,
or a mountain belt such as 明月山), the whole unit is drawn, the member is marked ``part`` and
the feature's ``geometry_quality`` is ``approximate``; the documented area stays beside the
measured one.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
from pydantic import BaseModel, ConfigDict, Field as PField

from geo.measure import area_km2
from layers import boundaries
from layers.context import BuildContext, CuratedData
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.sources import Citation
from layers.spec import COMMON_FIELDS, Field, LayerSpec, Presentation, frame_from_records

DATA_FILE = "zones.yaml"

ZoneKind = Literal[
    "demonstration_zone",
    "demonstration_belt",
    "pilot_area",
    "new_area",
    "metropolitan_area",
    "integration_area",
    "industrial_zone",
]


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adcode: Adcode
    name_zh: str
    part: bool = False


class PartArea(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adcode: Adcode
    area_km2: float


class ZoneRow(BaseModel):
    """One zone as curated in ``layers/data/zones.yaml``."""

    model_config = ConfigDict(extra="forbid")
    id: str = PField(pattern=r"^zone:[a-z0-9_\-]+$")
    name_zh: str
    name_en: str
    aliases: list[str] = []
    kind: ZoneKind
    plan_doc: str
    members: list[Member] = PField(min_length=1)
    members_text: str
    area_km2_documented: float | None = None
    population_wan_documented: float | None = None
    gdp_yi_yuan_documented: float | None = None
    figures_year: int | None = None
    area_km2_by_part_documented: list[PartArea] | None = None
    notes: str | None = None
    sources: list[Citation] = PField(min_length=1)


SPEC = LayerSpec(
    id="zones",
    title_zh="跨界合作区",
    title_en="Cross-border cooperation zones",
    description=(
        "Zones and platforms the plans define across Sichuan and Chongqing (万达开, 川南渝西, the "
        "川渝毗邻地区 platforms, the metropolitan areas), with members as the texts give them, "
        "documented figures beside measured ones, and citations."
    ),
    geometry_type="Polygon",
    fields=COMMON_FIELDS
    + (
        Field("members", "array", "Member units: list of {adcode, name_zh, level, part}; part = only part of the unit belongs"),
        Field("member_count", "integer", "Number of member units as the text lists them"),
        Field("members_text", "string", "The members as the document words them (verbatim)"),
        Field("provinces", "array", "Provinces the zone spans: sichuan, chongqing"),
        Field("cross_border", "boolean", "True if the zone spans both Sichuan and Chongqing"),
        Field("area_km2", "number", "Area of the drawn geometry, km² (Albers equal-area); whole units for part members"),
        Field("area_km2_documented", "number", "Area stated in the documents, km²"),
        Field("area_difference_pct", "number", "(measured − documented) / documented × 100"),
        Field("area_km2_by_province", "object", "Measured area split by province, km²"),
        Field("area_km2_by_part_documented", "array", "Documented area per member where the text splits it: list of {adcode, name_zh, area_km2}"),
        Field("population_wan_documented", "number", "Population stated in the documents, 万人 (10,000 people)"),
        Field("gdp_yi_yuan_documented", "number", "GDP stated in the documents, 亿元 (100 million yuan)"),
        Field("figures_year", "integer", "Year the documented figures refer to"),
        Field("plan_doc", "string", "Key of the document that defines the zone most fully"),
        Field("plan_title_zh", "string", "Title of that document"),
        Field("plan_date", "string", "Issuing date of that document"),
        Field("notes", "string", "Reviewer notes: how membership or figures were read"),
    ),
    group="zones",
    id_prefix="zone",
    data_sources=(boundaries.TIANDITU,),
    presentation=Presentation("合作区", "Zones", style="zone", order=50, legend=True),
)


def zone_rows(data: CuratedData) -> tuple[ZoneRow, ...]:
    """Curated zones, validated: known adcodes with matching names, known documents, unique ids."""
    rows = data.rows(DATA_FILE, ZoneRow, layer=SPEC.id)
    units = boundaries.units_by_adcode()
    docs = data.documents
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        label = f"{n} ({row.id})"
        if row.id in seen:
            raise LayerDataError(SPEC.id, f"duplicate id {row.id}", file=DATA_FILE, row=label)
        seen.add(row.id)
        if row.plan_doc not in docs:
            raise LayerDataError(SPEC.id, f"unknown plan_doc {row.plan_doc}", file=DATA_FILE, row=label)
        for m in row.members:
            if m.adcode not in units.index:
                raise LayerDataError(SPEC.id, f"member {m.name_zh}: unknown adcode {m.adcode}", file=DATA_FILE, row=label)
            if units.loc[m.adcode, "name_zh"] != m.name_zh:
                raise LayerDataError(
                    SPEC.id,
                    f"member adcode {m.adcode} is {units.loc[m.adcode, 'name_zh']}, not {m.name_zh}",
                    file=DATA_FILE,
                    row=label,
                )
        for c in row.sources:
            if c.doc not in docs:
                raise LayerDataError(SPEC.id, f"citation names unknown document {c.doc}", file=DATA_FILE, row=label)
    return tuple(rows)


def member_counties(row: ZoneRow) -> list[str]:
    """County adcodes covered by a zone's members (cities expanded to their counties)."""
    out: list[str] = []
    for m in row.members:
        for c in boundaries.counties_of(m.adcode):
            if c not in out:
                out.append(c)
    return out


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """One polygon per zone, dissolved from member counties, with measured and documented figures."""
    counties = boundaries.counties().set_index("adcode")
    county_area = area_km2(counties)
    units = boundaries.units_by_adcode()
    docs = ctx.data.documents
    records, geoms = [], []
    for row in zone_rows(ctx.data):
        adcodes = member_counties(row)
        geoms.append(counties.loc[adcodes].geometry.union_all())
        province_of = counties.loc[adcodes, "province_adcode"].map(boundaries.PROVINCE_ADCODES)
        by_province = {
            p: round(float(county_area.loc[province_of.index[province_of == p]].sum()), 1)
            for p in sorted(set(province_of))
        }
        plan = docs[row.plan_doc]
        records.append(
            {
                "id": row.id,
                "layer": SPEC.id,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "aliases": list(row.aliases),
                "kind": row.kind,
                "sources": ctx.data.citation_dicts(row.sources),
                "geometry_quality": "approximate" if any(m.part for m in row.members) else "administrative",
                "members": [
                    {"adcode": m.adcode, "name_zh": m.name_zh, "level": units.loc[m.adcode, "level"], "part": m.part}
                    for m in row.members
                ],
                "member_count": len(row.members),
                "members_text": row.members_text,
                "provinces": sorted(by_province),
                "cross_border": len(by_province) > 1,
                "area_km2": None,
                "area_km2_documented": row.area_km2_documented,
                "area_difference_pct": None,
                "area_km2_by_province": by_province,
                "area_km2_by_part_documented": (
                    [{"adcode": p.adcode, "name_zh": units.loc[p.adcode, "name_zh"], "area_km2": p.area_km2} for p in row.area_km2_by_part_documented]
                    if row.area_km2_by_part_documented
                    else None
                ),
                "population_wan_documented": row.population_wan_documented,
                "gdp_yi_yuan_documented": row.gdp_yi_yuan_documented,
                "figures_year": row.figures_year,
                "plan_doc": row.plan_doc,
                "plan_title_zh": plan.title_zh,
                "plan_date": plan.date,
                "notes": row.notes,
            }
        )
    measured = area_km2(gpd.GeoSeries(geoms, crs="EPSG:4326")).round(1)
    for record, m in zip(records, measured):
        d = record["area_km2_documented"]
        record["area_km2"] = float(m)
        record["area_difference_pct"] = round((m - d) / d * 100, 2) if d else None
    return frame_from_records(records, geoms, SPEC)
