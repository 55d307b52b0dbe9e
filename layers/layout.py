"""Layer ``layout``: the spatial structure of each plan (axes, belts, corridors, clusters, cores,
nodes, rings), one feature per element, with geometry derived from its definition.

How an element gets its geometry (``derivation`` says which rule applied):

- an axis, belt, corridor or ring that *follows* rivers, rail lines or highways is a corridor
  around those geometries: a buffer of ``CORRIDOR_HALF_WIDTH_KM`` on each side, measured in the
  equal-area projection, clipped to the plan's own area (its zone, or the economic circle for
  circle-wide plans) together with the units the definition names (a corridor of 重庆都市圈 that
  "联动遂宁、内江、资阳" reaches them). The widths are a reading aid, not a planning fact: 10 km each side for
  axes and corridors (the band of towns and industrial parks a trunk line serves, about the
  spacing of county seats along the 长江), 15 km for belts, which the plans describe as wider
  bands of "沿线重点城镇和产业功能区";
- the places it links (up to three) add a schematic line through them, in order, to what the
  corridor runs around, so it reaches them; an element that lists more places than that is
  reading out its extent (范围包括 …), and those units are added whole;
- a cluster, core or node is the union of the units it names (a city brings all its counties);
- an element whose definition names nothing that can be drawn has no geometry
  (``unlocated``), and ``python -m layers check`` lists it.
"""

from __future__ import annotations

import re
from typing import Literal

import geopandas as gpd
import shapely
from pydantic import BaseModel, ConfigDict, Field as PField
from shapely.geometry import Point, base

from geo.crs import ALBERS_CHINA
from geo.lines import schematic_line
from layers import boundaries, gazetteer
from layers.context import BuildContext
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.sources import Citation
from layers.spec import COMMON_FIELDS, Field, LayerSpec, Presentation, frame_from_records

ElementType = Literal["axis", "belt", "cluster", "corridor", "core", "node", "ring", "barrier"]
CORRIDOR_HALF_WIDTH_KM = {"axis": 10.0, "corridor": 10.0, "belt": 15.0, "ring": 10.0}
#: An element naming more places than this lists its extent (范围包括…) rather than places it links.
MAX_LINKED_PLACES = 3

#: The area each plan covers, for clipping its corridors: a zone id, or the economic circle.
PLAN_SCOPE = {
    "wdk_plan": "zone:wandakai",
    "cnyx_plan": "zone:chuannanyuxi",
    "cq_metropolitan": "zone:chongqing_metro",
    "ziyang_dazu_plan": "zone:zida",
    "heguangchang_plan": "zone:heguangchang",
    "chengxuanwan_plan": "zone:chengxuanwan",
    "mingyueshan_plan": "zone:mingyueshan",
    "suitong_approval": "zone:suitong",
}


class Follows(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rivers: list[str] = []
    rail: list[str] = []
    highways: list[str] = []
    network: list[str] = []
    roads_named: list[str] = []


class LayoutPlace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str
    adcode: Adcode


class LayoutRow(BaseModel):
    """One layout element as curated in ``layers/data/layout.yaml``."""

    model_config = ConfigDict(extra="forbid")
    id: str = PField(pattern=r"^layout:[a-z0-9_\-]+$")
    plan: str
    formula_zh: str | None = None
    element_type: ElementType
    name_zh: str
    name_en: str
    #: Other names the documents give the element (the coverage check and search match them).
    aliases: list[str] = []
    definition: str = PField(min_length=2, max_length=120)
    follows: Follows = Follows()
    places: list[LayoutPlace] = []
    sources: list[Citation] = PField(min_length=1)
    notes: str | None = None


SPEC = LayerSpec(
    id="layout",
    title_zh="空间布局",
    title_en="Spatial layout of the plans",
    description=(
        "Axes, belts, corridors, clusters, cores, nodes and rings of each plan's spatial layout "
        "(万达开 一轴两带三组团, 川南渝西 axes and belts, the Outline's 双核 and corridors, 重庆都市圈, "
        "the platforms' own plans), each drawn from what its definition follows or contains."
    ),
    geometry_type="Polygon",
    fields=COMMON_FIELDS
    + (
        Field("plan", "string", "Key of the plan document", required=True),
        Field("plan_title_zh", "string", "Title of the plan"),
        Field("formula_zh", "string", "The plan's layout formula, verbatim (e.g. 一轴、两带、三组团)"),
        Field("in_formula", "boolean", "Part of the plan's layout formula (false: named elsewhere in the plan, or the plan states no formula)"),
        Field("element_type", "string", "axis, belt, corridor, cluster, core, node, ring or barrier (an ecological barrier: mountain ranges)", required=True),
        Field("definition", "string", "The element's definition, quoted from the plan"),
        Field("follows_rivers", "array", "Rivers the element follows, as named"),
        Field("follows_rail", "array", "Ids of rail features it follows"),
        Field("follows_highways", "array", "Ids of highway features it follows"),
        Field("follows_network", "array", "Ids of existing trunk lines (network layer) it follows"),
        Field("roads_named", "array", "Roads it follows that have no feature (existing roads)"),
        Field("places", "array", "Units it contains or links: {name_zh, adcode}"),
        Field("scope", "string", "Id of the area the element is clipped to"),
        Field("width_km", "number", "Full width of a corridor-type element, km"),
        Field("derivation", "string", "Which rule built the geometry, and from what"),
        Field("notes", "string", "How an ambiguous definition was read"),
    ),
    group="plans",
    id_prefix="layout",
    depends_on=("zones", "economic_circle", "rivers", "rail", "highways", "network"),
    data_sources=(boundaries.TIANDITU,),
    allow_null_geometry=True,
    presentation=Presentation("布局", "Layout", style="layout", order=100, in_control=False, zoomed=True, simplified=True),
    summary_fields=("plan", "plan_title_zh", "element_type", "formula_zh", "in_formula", "definition", "width_km", "derivation", "notes"),
)


def _scope_geometry(ctx: BuildContext, plan: str) -> tuple[str, base.BaseGeometry]:
    zone = PLAN_SCOPE.get(plan)
    if zone:
        return zone, ctx.dep("zones").set_index("id").loc[zone, "geometry"]
    return "economic_circle", ctx.dep("economic_circle").geometry.union_all()


#: Radius of the indicative urban core drawn for a cluster whose text names a 城区 (a reading aid:
#: about the built-up radius of a 0.5–1 million city such as 万州 or 达州).
URBAN_CORE_RADIUS_KM = 8.0


def names_urban_area(row: LayoutRow) -> bool:
    """True if the definition makes the element the urban area (城区) of its places, e.g.
    “以万州区、达州市、开州区城区为支撑” — not a mention of another city's 中心城区."""
    text = row.definition
    if re.search(r"城区为(支撑|核心|主体)", text):
        return True
    return any(re.sub(r"(区|市|县)$", "", p.name_zh) + "城区" in text for p in row.places)


def _urban_core(loc, adcode: str):
    """A circle of :data:`URBAN_CORE_RADIUS_KM` around a seat, inside its unit."""
    centre = gpd.GeoSeries([Point(loc.lon, loc.lat)], crs="EPSG:4326").to_crs(ALBERS_CHINA)
    disc = centre.buffer(URBAN_CORE_RADIUS_KM * 1000, quad_segs=16).to_crs("EPSG:4326").iloc[0]
    return disc.intersection(_unit_geometry(adcode))


def _spurs(followed: list, places: list, half_width_km: float) -> list:
    """Straight spurs from the followed lines to the linked places they do not pass within the
    corridor's half-width: (place, line) pairs."""
    from shapely.geometry import LineString
    from shapely.ops import nearest_points

    from geo.measure import distance_m

    union = shapely.union_all([g for g in followed if g is not None])
    out = []
    for place, loc in places:
        target = Point(loc.lon, loc.lat)
        near = nearest_points(union, target)[0]
        if distance_m(near.x, near.y, target.x, target.y) > half_width_km * 1000:
            out.append((place, LineString([(near.x, near.y), (target.x, target.y)])))
    return out


def _unit_geometry(adcode: str) -> base.BaseGeometry:
    counties = boundaries.counties().set_index("adcode")
    return counties.loc[boundaries.counties_of(adcode)].geometry.union_all()


def _corridor(geoms: list, half_width_km: float, scope: base.BaseGeometry) -> base.BaseGeometry:
    series = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(ALBERS_CHINA)
    band = series.union_all().buffer(half_width_km * 1000, quad_segs=8)
    band = gpd.GeoSeries([band], crs=ALBERS_CHINA).to_crs("EPSG:4326").iloc[0]
    # Reprojection can leave the band or the dissolved scope barely invalid; repair before overlay.
    return shapely.make_valid(band).intersection(shapely.make_valid(scope))


def _follow_geometries(row: LayoutRow, rivers, rail, highways, network) -> tuple[list, list[str], list[str]]:
    geoms, used, missing = [], [], []
    for name in row.follows.rivers:
        match = rivers[(rivers["name_zh"] == name) | rivers["aliases"].map(lambda a, n=name: n in (a or []))]
        hit = next((g for g in match.geometry if g is not None), None)
        (geoms.append(hit), used.append(name)) if hit is not None else missing.append(name)
    for frame, ids in ((rail, row.follows.rail), (highways, row.follows.highways), (network, row.follows.network)):
        for fid in ids:
            geom = frame.loc[fid, "geometry"] if fid in frame.index else None
            (geoms.append(geom), used.append(fid)) if geom is not None else missing.append(fid)
    return geoms, used, missing


def layout_rows(ctx: BuildContext) -> list[LayoutRow]:
    """Curated rows, validated: known plans, ids, places and followed features."""
    rows = ctx.data.rows("layout.yaml", LayoutRow, layer=SPEC.id)
    docs = ctx.data.documents
    rail_ids = set(ctx.dep("rail")["id"])
    highway_ids = set(ctx.dep("highways")["id"])
    network_ids = set(ctx.dep("network")["id"])
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        label = f"{n} ({row.id})"
        problems = []
        if row.id in seen:
            problems.append(f"duplicate id {row.id}")
        seen.add(row.id)
        if row.plan not in docs:
            problems.append(f"unknown plan {row.plan}")
        problems += [f"unknown rail id {r}" for r in row.follows.rail if r not in rail_ids]
        problems += [f"unknown highway id {h}" for h in row.follows.highways if h not in highway_ids]
        problems += [f"unknown network id {h}" for h in row.follows.network if h not in network_ids]
        problems += [f"unknown adcode {p.adcode}" for p in row.places if not gazetteer.known(p.adcode)]
        if problems:
            raise LayerDataError(SPEC.id, "; ".join(problems), file="layout.yaml", row=label)
    return rows


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """One feature per layout element (see the module docstring for the rules)."""
    rows = layout_rows(ctx)
    docs = ctx.data.documents
    rivers = ctx.dep("rivers")
    rail = ctx.dep("rail").set_index("id", drop=False)
    highways = ctx.dep("highways").set_index("id", drop=False)
    network = ctx.dep("network").set_index("id", drop=False)
    units = boundaries.units_by_adcode()
    records, geoms = [], []
    for row in rows:
        scope_id, scope = _scope_geometry(ctx, row.plan)
        followed, used, missing = _follow_geometries(row, rivers, rail, highways, network)
        in_region = [p for p in row.places if p.adcode in units.index]
        if in_region:  # an element reaches the places it links, even beyond the plan's own area
            scope = gpd.GeoSeries([scope, *(_unit_geometry(p.adcode) for p in in_region)], crs="EPSG:4326").union_all()
            scope_id += " and the places it names"
        geom, quality, width, derivation = None, "unlocated", None, "nothing in the definition can be drawn"
        located = [ctx.data.gazetteer.locate(p.name_zh, p.adcode) for p in row.places]
        points = [(loc.lon, loc.lat) for loc in located if loc.located]
        listed = len(in_region) > MAX_LINKED_PLACES  # a 范围 list: the units are the extent
        if row.element_type in CORRIDOR_HALF_WIDTH_KM and (followed or len(set(points)) >= 2):
            half = CORRIDOR_HALF_WIDTH_KM[row.element_type]
            lines = list(followed)
            parts = [", ".join(used)] if used else []
            if not followed and not listed and len(set(points)) >= 2:
                # Nothing to follow: the element links its places (through their urban seats).
                lines.append(schematic_line(points))
                parts.append("a straight line through " + "、".join(p.name_zh for p in row.places))
            elif followed and not listed:
                # Places it links (联动…) that its lines do not pass: a spur from the nearest line.
                spurs = _spurs(followed, [(p, loc) for p, loc in zip(row.places, located) if loc.located], half)
                lines += [line for _, line in spurs]
                if spurs:
                    parts.append("spurs to " + "、".join(p.name_zh for p, _ in spurs))
            geom = _corridor(lines, half, scope) if lines else None
            if listed and (not followed or row.element_type == "belt"):
                # A belt defined only by the units it lists: those units are its extent. Where it
                # follows a river or line, the listed units only bound how far the corridor reaches.
                extent = gpd.GeoSeries([_unit_geometry(p.adcode) for p in in_region], crs="EPSG:4326").union_all()
                geom = extent if geom is None else geom.union(extent)
                parts.append("the units it lists (" + "、".join(p.name_zh for p in in_region) + ")")
            if lines:
                quality, width = "schematic", 2 * half  # a band of chosen width: derived, not surveyed
                derivation = f"{2 * half:g} km corridor around {' and '.join(parts)}, clipped to {scope_id}"
            else:
                quality, derivation = "administrative", parts[0]
        elif row.element_type == "cluster" and names_urban_area(row) and any(loc.located for loc in located):
            cores = [_urban_core(loc, p.adcode) for p, loc in zip(row.places, located) if loc.located and p.adcode in units.index]
            geom = gpd.GeoSeries(cores, crs="EPSG:4326").union_all()
            quality = "indicative"
            derivation = (f"urban core (城区): {URBAN_CORE_RADIUS_KM:g} km around the urban seat of "
                          + "、".join(p.name_zh for p, loc in zip(row.places, located) if loc.located)
                          + " (GeoNames), inside the unit; the text names the 城区, not the whole unit")
        elif in_region:
            geom = gpd.GeoSeries([_unit_geometry(p.adcode) for p in in_region], crs="EPSG:4326").union_all()
            quality = "administrative"
            derivation = f"union of {'、'.join(p.name_zh for p in in_region)}"
        if geom is not None and geom.is_empty:
            geom, quality, derivation = None, "unlocated", derivation + " (empty inside the plan's area)"
        if geom is not None and geom.geom_type == "GeometryCollection":
            geom = gpd.GeoSeries([g for g in geom.geoms if g.geom_type in {"Polygon", "MultiPolygon"}], crs="EPSG:4326").union_all()
        if missing:
            derivation += f"; not drawable: {', '.join(missing)}"
        geoms.append(geom)
        records.append(
            {
                "id": row.id,
                "layer": SPEC.id,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "aliases": list(row.aliases),
                "kind": row.element_type,
                "sources": ctx.data.citation_dicts(row.sources),
                "geometry_quality": quality,
                "plan": row.plan,
                "plan_title_zh": docs[row.plan].title_zh,
                "formula_zh": row.formula_zh,
                "in_formula": row.formula_zh is not None,
                "element_type": row.element_type,
                "definition": row.definition,
                "follows_rivers": list(row.follows.rivers),
                "follows_rail": list(row.follows.rail),
                "follows_highways": list(row.follows.highways),
                "follows_network": list(row.follows.network),
                "roads_named": list(row.follows.roads_named),
                "places": [{"name_zh": p.name_zh, "adcode": p.adcode} for p in row.places],
                "scope": scope_id,
                "width_km": width,
                "derivation": derivation,
                "notes": row.notes,
            }
        )
    return frame_from_records(records, geoms, SPEC)
