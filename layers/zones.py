"""Layer ``zones``: the cross-border and multi-unit zones the plans define.

A zone of whole units is the union of their Tianditu polygons (a member city contributes all its
counties), measured in the equal-area projection. Where members belong only in part, no whole
unit is drawn or measured as the zone:

- if the text gives the area of each part and names the towns (川渝高竹新区: 渝北 124 km² around
  茨竹 and 大湾, 邻水 138 km² at 高滩 and 坛同), the outline is *indicative*: in each unit, a disc of
  the documented area around its located towns (or, where no town is located, around the point
  of the unit nearest the other part), clipped to the unit;
- otherwise (明月山: "the range and the flat land on both sides" within 7 units) the member units
  are drawn as an *indicative* extent the map hatches, ``area_km2`` is the documented area and
  ``area_km2_drawn`` says how much larger the drawing is.
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


class TownRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str
    adcode: Adcode


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
    #: Towns the members text names, for the indicative outline of a partial zone.
    part_towns: list[TownRef] = []
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
        Field("area_km2", "number", "Area of the zone, km²: measured (Albers equal-area) where the drawing is the zone; the documented area where members belong only in part"),
        Field("area_km2_drawn", "number", "Area of the drawn geometry, km² (Albers equal-area)"),
        Field("area_km2_documented", "number", "Area stated in the documents, km²"),
        Field("area_difference_pct", "number", "(measured − documented) / documented × 100"),
        Field("area_km2_by_province", "object", "Measured area split by province, km² (null values where members belong only in part and the text does not say which)"),
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
    presentation=Presentation("合作区", "Zones", style="zone", order=50, legend=True, zoomed=True),
    # What the map draws and cites with (size order, the figure's source line).
    summary_fields=("area_km2", "plan_title_zh", "plan_date"),
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


def indicative_outline(row: ZoneRow, counties, gazetteer) -> tuple[object, str]:
    """An indicative outline of a zone whose parts have documented areas (see module docstring)."""
    from shapely.geometry import Point

    from geo.measure import disc_with_area

    parts, anchors, how = [], {}, []
    for part in row.area_km2_by_part_documented or []:
        towns = [gazetteer.locate(t.name_zh, t.adcode) for t in row.part_towns if t.adcode == part.adcode]
        located = [t for t in towns if t.located]
        if located:
            anchors[part.adcode] = Point(sum(t.lon for t in located) / len(located), sum(t.lat for t in located) / len(located))
            how.append(f"{part.area_km2:g} km² of {counties.loc[part.adcode, 'name_zh']} around {'、'.join(t.name_zh for t in located)}")
    for part in row.area_km2_by_part_documented or []:
        unit = counties.loc[part.adcode, "geometry"]
        anchor = anchors.get(part.adcode)
        if anchor is None:
            others = [a for code, a in anchors.items() if code != part.adcode]
            if not others:
                raise LayerDataError(SPEC.id, "no town of the zone is located: cannot place its indicative outline", file=DATA_FILE, row=row.id)
            from shapely.ops import nearest_points

            anchor = nearest_points(unit, others[0])[0]
            how.append(f"{part.area_km2:g} km² of {counties.loc[part.adcode, 'name_zh']} next to it (its towns are not located)")
        parts.append(disc_with_area(anchor.x, anchor.y, unit, part.area_km2))
    geom = gpd.GeoSeries(parts, crs="EPSG:4326").union_all()
    return geom, "indicative outline: " + "; ".join(how) + " (discs of the documented areas; the boundary is not published)"


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """One polygon per zone, dissolved from member counties, with measured and documented figures."""
    counties = boundaries.counties().set_index("adcode")
    county_area = area_km2(counties)
    units = boundaries.units_by_adcode()
    docs = ctx.data.documents
    records, geoms = [], []
    outline_notes = {}
    for row in zone_rows(ctx.data):
        adcodes = member_counties(row)
        partial = any(m.part for m in row.members)
        if partial and row.area_km2_by_part_documented and row.part_towns:
            geom, outline_notes[row.id] = indicative_outline(row, counties, ctx.data.gazetteer)
        else:
            geom = counties.loc[adcodes].geometry.union_all()
            if partial:
                outline_notes[row.id] = ("indicative extent: the member units are drawn (hatched) because the text "
                                         "does not say which part of them belongs; area_km2 is the documented area")
        geoms.append(geom)
        province_of = counties.loc[adcodes, "province_adcode"].map(boundaries.PROVINCE_ADCODES)
        if partial and row.id in outline_notes and outline_notes[row.id].startswith("indicative extent"):
            # Only part of the units belongs and the text does not say which: no split can be measured.
            by_province = {p: None for p in sorted(set(province_of))}
        elif partial:
            by_province = {  # the drawn outline, split by the provinces it lies in
                p: round(float(area_km2(gpd.GeoSeries([geom.intersection(counties.loc[province_of.index[province_of == p]].geometry.union_all())], crs="EPSG:4326")).iloc[0]), 1)
                for p in sorted(set(province_of))
            }
        else:
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
                "geometry_quality": "indicative" if partial else "administrative",
                "members": [
                    {"adcode": m.adcode, "name_zh": m.name_zh, "level": units.loc[m.adcode, "level"], "part": m.part}
                    for m in row.members
                ],
                "member_count": len(row.members),
                "members_text": row.members_text,
                "provinces": sorted(by_province),
                "cross_border": len(by_province) > 1,
                "area_km2": None,
                "area_km2_drawn": None,
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
                "notes": " ".join(x for x in (row.notes, outline_notes.get(row.id)) if x) or None,
            }
        )
    measured = area_km2(gpd.GeoSeries(geoms, crs="EPSG:4326")).round(1)
    for record, m in zip(records, measured):
        d = record["area_km2_documented"]
        record["area_km2_drawn"] = float(m)
        whole_units_drawn = record["geometry_quality"] == "indicative" and "indicative extent" in (record["notes"] or "")
        record["area_km2"] = float(d) if whole_units_drawn and d else (None if whole_units_drawn else float(m))
        record["area_difference_pct"] = round((m - d) / d * 100, 2) if d and not whole_units_drawn else None
    return frame_from_records(records, geoms, SPEC)
