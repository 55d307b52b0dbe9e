"""Layer ``platforms``: the functional platforms the plans name (new areas, science city, free-trade
and open-economy zones, development zones, cooperation and demonstration zones, parks, cultural
and tourism zones), from ``layers/data/platforms.yaml``.

Geometry, by what the text gives (``geometry_quality`` and ``derivation`` say which):

- whole administrative units: their union (``administrative``), measured;
- units that only partly belong (天府新区 in 成都 and 眉山): the units, as an *indicative* extent
  the map hatches, never measured as the platform;
- a named site (a town): a point at it (``sited``) when the gazetteer locates it;
- nothing locatable: ``unlocated`` (listed by ``python -m layers check``).
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
from pydantic import BaseModel, ConfigDict, Field as PField
from shapely.geometry import Point

from geo.measure import area_km2
from layers import boundaries
from layers.context import BuildContext
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.sources import Citation
from layers.spec import COMMON_FIELDS, Field, LayerSpec, Presentation, frame_from_records

DATA_FILE = "platforms.yaml"
Kind = Literal[
    "national_new_area", "science_city", "science_center", "free_trade_zone", "open_economy_pilot", "high_tech_zone",
    "economic_development_zone", "bonded_zone", "cooperation_zone", "industrial_park", "agricultural_zone",
    "ecological_zone", "culture_tourism_zone", "other",
]


class PlatformMember(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adcode: Adcode
    name_zh: str
    part: bool = False


class PlatformSite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str
    adcode: Adcode


class PlatformRow(BaseModel):
    """One platform as curated."""

    model_config = ConfigDict(extra="forbid")
    id: str = PField(pattern=r"^platform:[a-z0-9][a-z0-9\-]*$")
    name_zh: str
    name_en: str
    aliases: list[str] = []
    kind: Kind
    level: Literal["national", "provincial", "joint"] | None = None
    parent: str | None = None
    members: list[PlatformMember] = []
    site: PlatformSite | None = None
    defining_doc: str
    sources: list[Citation] = PField(min_length=1)
    notes: str | None = None


SPEC = LayerSpec(
    id="platforms",
    title_zh="功能平台",
    title_en="Functional platforms",
    description=(
        "National new areas (天府新区, 两江新区), the 西部科学城 and 成渝综合性科学中心, free-trade and inland-opening "
        "pilot zones, the 高新区/经开区 the plans name, cooperation and demonstration zones, industrial parks, "
        "agricultural and ecological pilots, and cultural and tourism zones, each with its level, members or site, "
        "and the document that defines it."
    ),
    geometry_type="Polygon",
    extra_geometry_types=("Point",),
    allow_null_geometry=True,
    fields=COMMON_FIELDS + (
        Field("level", "string", "national, provincial or joint (川渝共建); null where the text does not say"),
        Field("parent", "string", "Id of the platform this is a part of"),
        Field("members", "array", "Units the text names as its territory: {adcode, name_zh, part}"),
        Field("site", "object", "The town or site the text names: {name_zh, adcode}"),
        Field("area_km2", "number", "Measured area where whole units make the platform, km² (Albers equal-area); null otherwise"),
        Field("defining_doc", "string", "Key of the document that defines or first names it"),
        Field("defining_title_zh", "string", "Title of that document"),
        Field("derivation", "string", "How the geometry was made, or why there is none"),
        Field("notes", "string", "How the text was read; general knowledge is flagged"),
    ),
    group="zones",
    id_prefix="platform",
    searchable_fields=("name_zh", "name_en", "aliases", "kind"),
    summary_fields=("level", "members", "defining_doc", "derivation"),
    data_sources=(boundaries.TIANDITU,),
    presentation=Presentation("功能平台", "Platforms", style="area", order=55, colour="#7B3294", legend=True, visible=False, zoomed=True),
)


def platform_rows(ctx: BuildContext) -> list[PlatformRow]:
    """Curated rows, validated: unique ids, known documents, parents and adcodes."""
    rows = ctx.data.rows(DATA_FILE, PlatformRow, layer=SPEC.id)
    units = boundaries.units_by_adcode()
    docs = ctx.data.documents
    ids = [r.id for r in rows]
    for n, row in enumerate(rows, start=1):
        label = f"{n} ({row.id})"
        problems = []
        if ids.count(row.id) > 1:
            problems.append(f"duplicate id {row.id}")
        if row.defining_doc not in docs:
            problems.append(f"unknown document {row.defining_doc}")
        if row.parent and row.parent not in ids:
            problems.append(f"unknown parent {row.parent}")
        problems += [f"unknown document {c.doc}" for c in row.sources if c.doc not in docs]
        problems += [f"member {m.name_zh}: adcode {m.adcode} is not a Sichuan/Chongqing unit" for m in row.members if m.adcode not in units.index]
        if problems:
            raise LayerDataError(SPEC.id, "; ".join(problems), file=DATA_FILE, row=label)
    return rows


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """One feature per platform (see the module docstring for the geometry rules)."""
    counties = boundaries.counties().set_index("adcode")
    docs = ctx.data.documents
    records, geoms = [], []
    for row in platform_rows(ctx):
        geom, quality, derivation, measured = None, "unlocated", "the text names no unit or locatable site", False
        site = ctx.data.gazetteer.locate(row.site.name_zh, row.site.adcode) if row.site else None
        if site is not None and site.located:
            geom, quality = Point(site.lon, site.lat), "sited"
            derivation = f"at {row.site.name_zh} ({site.source}{', ' + site.note if site.note else ''})"
        elif row.members:
            codes = [c for m in row.members for c in boundaries.counties_of(m.adcode)]
            geom = counties.loc[list(dict.fromkeys(codes))].geometry.union_all()
            if any(m.part for m in row.members):
                quality = "indicative"
                derivation = ("indicative extent: it lies within " + "、".join(m.name_zh for m in row.members)
                              + ", of which only part belongs (its boundary is not in the documents); not measured")
            else:
                quality, measured = "administrative", True
                derivation = "union of " + "、".join(m.name_zh for m in row.members)
        elif row.site:
            derivation = f"no source locates {row.site.name_zh}"
        geoms.append(geom)
        records.append({
            "id": row.id, "layer": SPEC.id, "name_zh": row.name_zh, "name_en": row.name_en, "aliases": list(row.aliases),
            "kind": row.kind, "sources": ctx.data.citation_dicts(row.sources), "geometry_quality": quality,
            "level": row.level, "parent": row.parent, "members": [m.model_dump() for m in row.members],
            "site": row.site.model_dump() if row.site else None, "area_km2": None, "defining_doc": row.defining_doc,
            "defining_title_zh": docs[row.defining_doc].title_zh, "derivation": derivation, "notes": row.notes,
        })
        records[-1]["_measure"] = measured
    areas = area_km2(gpd.GeoSeries(geoms, crs="EPSG:4326"))
    for record, a in zip(records, areas):
        if record.pop("_measure"):
            record["area_km2"] = round(float(a), 1)
    return frame_from_records(records, geoms, SPEC)
