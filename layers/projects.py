"""The project layers (rail, highways, waterways, ports, airports, hubs, water works): rows of
one table (:data:`PROJECT_LAYERS`), each with one curated YAML file, and one builder.

A project row (``layers/data/<layer>.yaml``) is one named line, facility or works, with every
document that names it as a *mention*: the verb as written (``status_zh``), the figures that
document gives, and a verbatim quote. Here the rows become features:

- mentions are ordered newest document first; ``status`` is normalised from the newest
  mention's verb (:func:`normalise_status`), ``status_as_of`` is that document's date, and each
  documented figure is taken from the newest mention that states it (all stay in ``mentions``);
- geometry is schematic: a polyline through the ordered named places for lines, a point (or
  points) at the place for facilities, each place located by :mod:`layers.gazetteer`; a line
  row that names a single place is drawn as a point, and a row naming no place has no geometry
  (``geometry_quality: unlocated``) but stays in the layer;
- ``regions``, ``provinces``, ``zones`` and ``cross_border`` are computed from the geometry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

import geopandas as gpd
from pydantic import BaseModel, ConfigDict, Field as PField

from geo.measure import length_km
from layers import boundaries, gazetteer
from layers.names import pinyin
from layers.placement import MAP_FRAME, place_row
from layers.context import BuildContext, CuratedData
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.sources import Citation, Document
from layers.spec import COMMON_FIELDS, DataSource, Field, LayerSpec, Presentation, frame_from_records
from layers.status import STATUSES

#: Ordered verb rules: the first pattern found in the verb as written decides what the passage
#: says of the *works*. Plans speak of intentions: "建成/建成投用" in a 2023 plan is a completion
#: target, so the works are being built; only "已…" says they are finished. Study and preparatory
#: words win over construction words ("研究建设" is a study; "推进…前期工作" is preparatory);
#: "规划建设" and "适时推动…实施" are plans. The last class, ``none``, is the verbs of an existing
#: facility that is used, leaned on, optimised or promoted (依托, 用好, 发挥, 提升, 优化, 巩固,
#: 支持…合作, 运营, 对外开放 of a port): they say nothing about works, so they never decide a
#: works status. A bare "建设" in a plan asks for the facility without saying work has begun, so
#: it is a plan item; "推进…规划建设运营" advances the works through to operation, so it is
#: construction, although it contains 规划.
#: ``docs/status-verbs.md`` lists every verb phrase of the data with its class and count.
STATUS_RULES: tuple[tuple[str, str], ...] = (
    (r"已建成|已完成|已竣工|已投运|已开通|首次运营|恢复", "completed"),
    (r"前期|工可|争取开工|力争开工|力争启动|争取启动|争取设立|争取纳入|申报|推进…开工|推进…启动", "preparatory"),
    (r"研究|论证|谋划", "study"),
    (r"推进….*建设运营", "under_construction"),
    (r"^建设$|规划|适时|打造|构建|培育", "planned"),
    (r"开工|建设|建成|竣工|投用|投运|通车|续建|新建|新（改、扩）建|扩建|改建|迁建|改造|扩能|扩容|实施|加快|加速|提速|推进|完成"
     r"|整治|疏浚|共建|开发|增储上产|提高航道等级|航道标准|升级", "under_construction"),
    (r"依托|用好|拥有|紧邻|发挥|提升|优化|巩固|支持|合作|共享|利用|拓展|运营|用足|发展|穿境|过境|纵横交错|为骨干|为辅港"
     r"|释放|畅通|增强|完善|互联互通|联动|为引领|开放", "none"),
)
#: The class a verb gets when no rule matches: it is listed for review (low confidence).
UNMATCHED = "none"


def classify_verb(status_zh: str | None) -> tuple[str, str | None]:
    """The class of a verb as written (a status of :data:`STATUSES` or ``none``) and the rule
    pattern that decided it (None when no rule matched)."""
    if not status_zh:
        return UNMATCHED, None
    for pattern, status in STATUS_RULES:
        if re.search(pattern, status_zh):
            return status, pattern
    return UNMATCHED, None


def normalise_status(status_zh: str | None) -> str:
    """The works status a verb says, ``planned`` when it names no works (see :func:`classify_verb`)."""
    status, _ = classify_verb(status_zh)
    return "planned" if status == "none" else status


class Place(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name_zh: str
    adcode: Adcode


class Mention(BaseModel):
    """What one document says of a project."""

    model_config = ConfigDict(extra="forbid")
    doc: str
    seed: str
    quote: str = PField(min_length=2, max_length=120)
    status_zh: str | None = None
    period_start: int | None = PField(default=None, ge=1990, le=2060)
    period_end: int | None = PField(default=None, ge=1990, le=2060)
    length_km: float | None = PField(default=None, gt=0)
    investment_yi_yuan: float | None = PField(default=None, gt=0)
    content: str | None = None
    #: The verb comes from a key-task table's progress/target column (项目进度/工作目标), not its
    #: content column: the document's most specific word on the project.
    progress_column: bool = False

    def citation(self) -> Citation:
        return Citation(seed=self.seed, doc=self.doc, quote=self.quote)


class FacilityEvidence(BaseModel):
    """What decided a facility's status: a verbatim quote, a flagged note, or both."""

    model_config = ConfigDict(extra="forbid")
    seed: str | None = None
    doc: str | None = None
    quote: str | None = PField(default=None, min_length=2, max_length=120)
    note: str | None = None


class ProjectRow(BaseModel):
    """One project as curated."""

    model_config = ConfigDict(extra="forbid")
    id: str = PField(pattern=r"^[a-z]+:[a-z0-9][a-z0-9_\-]*$")
    name_zh: str
    name_en: str
    aliases: list[str] = []
    kind: str
    upgrade: bool = False
    #: Did the facility itself (line, airport, port…) exist when the documents were written?
    facility_status: Literal["existing", "new"] | None = None
    facility_evidence: FacilityEvidence | None = None
    opened_year: int | None = PField(default=None, ge=1900, le=2060)
    places: list[Place] = []
    mentions: list[Mention] = PField(min_length=1)
    notes: str | None = None


PROJECT_FIELDS: tuple[Field, ...] = COMMON_FIELDS + (
    Field("upgrade", "boolean", "True for upgrading an existing facility (扩能改造, 改扩建, 扩容)"),
    Field("status", "string", "Overall status on the map: operating for an existing facility, else the stage of the works "
          "on the new one (" + ", ".join(STATUSES) + ")", required=True),
    Field("facility_status", "string", "existing or new: did the facility itself (line, airport, port…) exist when the documents were written"),
    Field("facility_evidence", "object", "What decided facility_status: {seed, doc, quote} and/or a flagged note"),
    Field("opened_year", "integer", "Year the facility opened, where a document (or a flagged note) gives it"),
    Field("works_status", "string", "Stage of the works the newest deciding document names (null: the documents name no works)"),
    Field("status_zh", "string", "The verb as written in the passage that decided the works status"),
    Field("status_as_of", "string", "Date of the document the works status comes from"),
    Field("status_quote", "string", "The passage that decided the works status"),
    Field("status_rule", "string", "Which rule decided status: the verb pattern, or why none applied"),
    Field("status_confidence", "string", "high, or low when the rules could not decide (listed by python -m layers check)"),
    Field("period_start", "integer", "Start year, from the newest document stating one"),
    Field("period_end", "integer", "End year, from the newest document stating one"),
    Field("named_since", "integer", "Year of the first dated document naming the project: where no period is documented, "
          "the year filter treats the project as running from then on"),
    Field("length_km_documented", "number", "Length stated in the documents, km (newest stating one)"),
    Field("length_km", "number", "Measured geodesic length of the schematic line, km"),
    Field("length_difference_pct", "number", "(measured − documented) / documented × 100"),
    Field("investment_yi_yuan_documented", "number", "Investment stated in the documents, 亿元 (newest stating one)"),
    Field("content", "string", "Works as a project table describes them (newest stating it)"),
    Field("places", "array", "Places the row's text names, in order: {name_zh, adcode, lon, lat, location_quality, "
          "location_kind, point_source, source_id, datum, licence}; lon/lat null where no source locates the place"),
    Field("waypoints", "array", "The route a line is drawn through (its places plus sourced waypoints), each with its "
          "source: a seed quote or 'general knowledge (unverified)'"),
    Field("exits", "array", "Where a line leaves the map frame: {lon, lat, toward_zh, toward_en} (the full line is in downloads)"),
    Field("derivation", "string", "How the geometry was made (site, route, river, or why it is unlocated)"),
    Field("regions", "array", "Adcodes of Sichuan/Chongqing counties the geometry touches (computed)"),
    Field("provinces", "array", "Provinces touched: sichuan, chongqing (computed)"),
    Field("zones", "array", "Ids of zones the geometry touches (computed)"),
    Field("cross_border", "boolean", "True if the project touches both Sichuan and Chongqing (computed)"),
    Field("mentions", "array", "Every document naming the project, newest first: doc, date, verb, status, figures, quote "
          "(at a zoom level, as the map fetches it: one item per document, with its id, title and date)",
          summary_keys=("doc", "doc_title_zh", "doc_date")),
)

PROJECT_SOURCE = DataSource(
    name="Seed planning documents (curated rows with verbatim quotes)",
    provider="Chengyu Atlas curation of public government plans; places located with Tianditu unit points",
    licence="facts from public documents; quotes are short citations",
    datum="WGS84 (place points from Tianditu, CGCS2000≈WGS84)",
    notes="Geometry is schematic: straight segments between the named places, or points at the places' administrative units.",
)


@dataclass(frozen=True)
class ProjectLayer:
    """One row of the project-layer table: a layer id, its data file, kinds, titles and map style."""

    layer_id: str
    id_prefix: str
    data_file: str
    kinds: tuple[str, ...]
    title_zh: str
    title_en: str
    description: str
    geometry_type: str
    presentation: Presentation
    group: str = "projects"
    #: Layers the builder reads besides zones (waterways follow the rivers layer).
    reads: tuple[str, ...] = ()


#: The project layers. A new one is a row here plus its YAML file in the data directory.
PROJECT_LAYERS: tuple[ProjectLayer, ...] = (
    ProjectLayer(
        "rail", "rail", "rail.yaml",
        ("high_speed", "conventional", "intercity", "suburban", "metro", "freight_branch"),
        "铁路与轨道交通", "Railways and rail transit",
        "High-speed, conventional, intercity, suburban (市域郊) and metro lines and freight branches, new or upgraded. "
        "Lines are schematic: straight segments through the places the documents name.",
        "LineString", Presentation("铁路", "Rail", style="line", order=80, colour="#882255", legend=True),
    ),
    ProjectLayer(
        "highways", "highway", "highways.yaml", ("expressway", "fast_road", "trunk_road", "bridge", "tunnel"),
        "公路、快速通道与桥隧", "Expressways, fast roads, trunk roads, bridges and tunnels",
        "Road projects, new or upgraded. Lines are schematic through the named places; one-place works (a bridge, a tunnel) are points.",
        "LineString", Presentation("公路", "Roads", style="line", order=70, colour="#CC6600", legend=True),
    ),
    ProjectLayer(
        "waterways", "waterway", "waterways.yaml", ("waterway", "navigation_hub", "ship_lock"),
        "航道与航电枢纽", "Waterways, navigation-power hubs and ship locks",
        "Channel improvement between named places (schematic), and navigation hubs and locks as points at their county.",
        "LineString", Presentation("航道", "Waterways", style="line", order=60, colour="#0077BB", legend=True),
        reads=("rivers",),
    ),
    ProjectLayer(
        "ports", "port", "ports.yaml", ("port", "port_area", "terminal", "dry_port"),
        "港口、港区、作业区与无水港", "Ports, port areas, terminals and dry ports",
        "Ports and their works, as points at the county (or city) the documents place them in.",
        "Point", Presentation("港口", "Ports", style="point", order=90, colour="#33BBEE", legend=True),
    ),
    ProjectLayer(
        "airports", "airport", "airports.yaml", ("hub_airport", "regional_airport", "general_aviation"),
        "机场", "Airports",
        "Civil and general-aviation airports, new, relocated or expanded, as points at their county.",
        "Point", Presentation("机场", "Airports", style="point", order=91, colour="#EE3377", legend=True),
    ),
    ProjectLayer(
        "hubs", "hub", "hubs.yaml", ("logistics_hub", "transport_hub", "bonded_zone", "port_of_entry", "industrial_park"),
        "物流枢纽、综合保税区与合作园区", "Logistics hubs, bonded zones, ports of entry and cooperation parks",
        "Logistics and transport hubs, bonded zones, ports of entry and cross-border industrial parks, as points at their county.",
        "Point", Presentation("枢纽与园区", "Hubs & parks", style="point", order=92, colour="#009988", legend=True, visible=False),
    ),
    ProjectLayer(
        "energy", "energy", "energy.yaml",
        ("power_line", "substation", "power_plant", "pumped_storage", "gas_field", "shale_gas", "gas_storage",
         "pipeline", "oil_depot", "coal_storage", "hydrogen", "other"),
        "能源设施与工程", "Energy facilities and projects",
        "Power transmission (疆电入渝, the 川渝 UHV grid, named 1000/500 kV projects), power plants and pumped storage, "
        "gas fields and shale-gas blocks, gas storage, pipelines, oil depots and coal storage bases. Lines are schematic "
        "through the named places; single-place works are points.",
        "LineString", Presentation("能源", "Energy", style="line", order=94, colour="#AA3377", legend=True, visible=False),
    ),
    ProjectLayer(
        "water_resources", "water", "water_resources.yaml", ("reservoir", "water_diversion", "irrigation", "flood_control"),
        "水利工程", "Water resources works",
        "Reservoirs, water diversion and allocation works, irrigation districts and flood-control works; capacity as "
        "the tables state it is in content.",
        "Point", Presentation("水利", "Water works", style="point", order=93, colour="#5566AA", legend=True, visible=False),
    ),
)


#: The existing trunk network the plans lean on: the same row model, drawn as a quiet context layer.
NETWORK_LAYER = ProjectLayer(
    "network", "network", "network.yaml", ("high_speed_rail", "railway", "expressway"),
    "既有干线铁路与高速公路", "Existing trunk railways and expressways",
    "Operating railways and expressways the plans name as existing (依托, 发挥, 扩能改造 of them…), each cited where a "
    "plan names it, drawn as a quiet base so planned works read against what exists; routes through sourced waypoints.",
    "LineString", Presentation("既有干线", "Existing network", style="network", order=35, colour="#7a7a7a", legend=True),
    group="context",
)

#: The properties the map draws project layers with (status and works, the zones a zone popup
#: lists, exits off the frame) and cites them by (the documents of the figure's source line).
PROJECT_MAP_FIELDS = ("status", "facility_status", "works_status", "zones", "exits", "mentions")


def project_layer(layer_id: str) -> ProjectLayer:
    """The table row of a project layer (or of the existing network)."""
    return next(p for p in (*PROJECT_LAYERS, NETWORK_LAYER) if p.layer_id == layer_id)


def project_spec(row: ProjectLayer) -> LayerSpec:
    """The spec of a project layer: shared fields, schematic-geometry rules by geometry type."""
    line = row.geometry_type == "LineString"
    return LayerSpec(
        id=row.layer_id,
        title_zh=row.title_zh,
        title_en=row.title_en,
        description=row.description,
        geometry_type=row.geometry_type,
        fields=PROJECT_FIELDS,
        group=row.group,
        id_prefix=row.id_prefix,
        depends_on=("zones", *row.reads),
        temporal_fields=("period_start", "period_end"),
        temporal_fallback_start="named_since",
        data_sources=(PROJECT_SOURCE, boundaries.TIANDITU),
        extra_geometry_types=("Point",) if line else (),
        display_frame=MAP_FRAME if line else None,
        allow_null_geometry=True,
        # The map fetches them at its zoom (geometry kept whole: they are not fetched again)
        # with what it draws and cites with; a popup fetches the rest.
        presentation=replace(row.presentation, zoomed=True),
        summary_fields=PROJECT_MAP_FIELDS,
    )


def _doc_sort_key(docs: dict[str, Document]):
    def key(mention: Mention) -> tuple:
        date = docs[mention.doc].date
        return (date is not None, date or "")
    return key


def load_projects(data: CuratedData, row_spec: ProjectLayer) -> list[ProjectRow]:
    """Rows of a project data file, validated: kinds, adcodes, documents, unique ids, id prefix."""
    layer_id, data_file, kinds, prefix = row_spec.layer_id, row_spec.data_file, row_spec.kinds, row_spec.id_prefix
    rows = data.rows(data_file, ProjectRow, layer=layer_id)
    docs = data.documents
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        label = f"{n} ({row.id})"
        if not row.id.startswith(prefix + ":"):
            raise LayerDataError(layer_id, f"id must start with '{prefix}:'", file=data_file, row=label)
        if row.id in seen:
            raise LayerDataError(layer_id, f"duplicate id {row.id}", file=data_file, row=label)
        seen.add(row.id)
        if row.kind not in kinds:
            raise LayerDataError(layer_id, f"kind {row.kind!r} not in {kinds}", file=data_file, row=label)
        for p in row.places:
            if not gazetteer.known(p.adcode):
                raise LayerDataError(layer_id, f"place {p.name_zh}: unknown adcode {p.adcode}", file=data_file, row=label)
        for m in row.mentions:
            if m.doc not in docs:
                raise LayerDataError(layer_id, f"mention cites unknown document {m.doc}", file=data_file, row=label)
            if m.period_start and m.period_end and m.period_start > m.period_end:
                raise LayerDataError(layer_id, f"period {m.period_start}–{m.period_end} ends before it starts", file=data_file, row=label)
    return rows


#: The rule for a project listed in a table with a period, length or investment but no verb.
TABLE_RULE = "listed in a project table (period/figures, no verb): a plan item"


def _rule_text(rule: str) -> str:
    return rule if rule == TABLE_RULE else f"works verb /{rule}/"


def _tabled(m: Mention) -> bool:
    return m.status_zh is None and any(v is not None for v in (m.period_start, m.period_end, m.length_km, m.investment_yi_yuan))


def decide_status(row: ProjectRow, mentions: list[Mention], docs: dict[str, Document]) -> dict:
    """Facility status, works status and the overall status of a row, with the deciding quote and rule.

    - works: what the newest document says (undated documents count as oldest): of its mentions
      whose verb names works, the least advanced stage, or no works (``None``) when its verbs only
      use, optimise or lean on the facility: a newer document's silence is not overruled by an
      older plan;
    - facility: as curated (with its evidence); else existing for an upgrade, new otherwise (low
      confidence);
    - overall: ``operating`` for an existing facility (its works, if any, are in ``works_status``);
      for a new one the stage of its works, ``planned`` when no works are named.
    """
    deciding, works, rule = None, None, None
    with_verb = [m for m in mentions if m.status_zh or _tabled(m)]  # newest first
    newest = [m for m in with_verb if docs[m.doc].date == docs[with_verb[0].doc].date] if with_verb else []
    # Where the newest document says two things (a table's content and its target column, a task
    # list and its table), the least advanced stage is what it commits to (推进…建设 beside 争取开工
    # is not yet construction); "planned" yields to any named stage of the same document.
    candidates = [(m, *classify_verb(m.status_zh)) if m.status_zh else (m, "planned", TABLE_RULE) for m in newest]
    candidates = [c for c in candidates if c[1] != "none"]
    # A key-task table row's progress column is the document's most specific word on that
    # project: it decides over the same document's prose (达万快速通道: progress 争取纳入…规划,
    # prose 规划论证).
    progress = [c for c in candidates if c[0].progress_column]
    candidates = progress or candidates
    staged = [c for c in candidates if c[1] != "planned"] or candidates
    if staged:
        deciding, works, rule = min(staged, key=lambda c: STATUSES.index(c[1]))
    confidence = "high"
    facility = row.facility_status
    if facility is None:
        facility = "existing" if row.upgrade else "new"
        confidence = "low"
    if facility == "existing":
        status = "operating"
        why = "existing facility (facility_status)"
    else:
        status = works or "planned"
        why = _rule_text(rule) if rule else "new facility, no works verb: planned"
        if works is None:
            confidence = "low"
    source = deciding or mentions[0]
    return {
        "status": status,
        "facility_status": facility,
        "facility_evidence": row.facility_evidence.model_dump(exclude_none=True) if row.facility_evidence else None,
        "opened_year": row.opened_year,
        "works_status": works,
        "status_zh": deciding.status_zh if deciding else None,
        "status_as_of": docs[source.doc].date,
        "status_quote": deciding.quote if deciding else None,
        "status_rule": why + (f"; {_rule_text(rule)}" if facility == "existing" and rule else ""),
        "status_confidence": confidence,
    }


def _newest(mentions: list[Mention], attr: str):
    for m in mentions:
        value = getattr(m, attr)
        if value is not None:
            return value, m
    return None, None


def _river_lines(ctx: BuildContext) -> dict | None:
    """River geometries by id and by every name, for channel works (None if not a dependency)."""
    if "rivers" not in ctx.spec.depends_on:
        return None
    rivers = ctx.dep("rivers")
    out = {}
    for rid, name, aliases, geom in zip(rivers["id"], rivers["name_zh"], rivers["aliases"], rivers.geometry):
        if geom is not None:
            for key in (rid, name, *(aliases or [])):
                out.setdefault(key, geom)
    return out


def project_builder(row_spec: ProjectLayer):
    """The builder of the project layer of a table row."""
    return lambda ctx: build_projects(ctx, row_spec)


def build_projects(ctx: BuildContext, row_spec: ProjectLayer) -> gpd.GeoDataFrame:
    """Build a project layer from its data file (see module docstring)."""
    spec = ctx.spec
    rows = load_projects(ctx.data, row_spec)
    docs = ctx.data.documents
    counties = boundaries.counties()
    zones = ctx.dep("zones")
    line = spec.geometry_type == "LineString"
    gazetteer, routes, rivers = ctx.data.gazetteer, ctx.data.routes, _river_lines(ctx)
    records, geoms = [], []
    for row in rows:
        mentions = sorted(row.mentions, key=_doc_sort_key(docs), reverse=True)
        route = routes.get(row.id)
        placed = place_row(row, line, gazetteer, route, rivers, pinyin)
        geom, quality = placed.geometry, placed.quality
        decision = decide_status(row, mentions, docs)
        period_start, _ = _newest(mentions, "period_start")
        period_end, _ = _newest(mentions, "period_end")
        length_doc, _ = _newest(mentions, "length_km")
        investment, _ = _newest(mentions, "investment_yi_yuan")
        content, _ = _newest(mentions, "content")
        if geom is not None:
            hit = counties.iloc[counties.sindex.query(geom, predicate="intersects")]
            regions = sorted(hit["adcode"])
            provinces = sorted({boundaries.PROVINCE_ADCODES[a] for a in hit["province_adcode"]})
            zone_ids = sorted(zones.iloc[zones.sindex.query(geom, predicate="intersects")]["id"])
        else:
            regions, provinces, zone_ids = [], [], []
        records.append(
            {
                "id": row.id,
                "layer": spec.id,
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "aliases": list(row.aliases),
                "kind": row.kind,
                "sources": [
                    {"seed": m.seed, "doc": m.doc, "doc_title_zh": docs[m.doc].title_zh, "doc_date": docs[m.doc].date, "quote": m.quote}
                    for m in mentions
                ] + (ctx.data.citation_dicts(route.citations()) if route else []),
                "geometry_quality": quality,
                "upgrade": row.upgrade,
                **decision,
                "period_start": period_start,
                "period_end": period_end,
                "named_since": min((int(docs[m.doc].date[:4]) for m in mentions if docs[m.doc].date), default=None),
                "length_km_documented": float(length_doc) if length_doc is not None else None,
                "length_km": None,
                "length_difference_pct": None,
                "investment_yi_yuan_documented": float(investment) if investment is not None else None,
                "content": content,
                "places": placed.places,
                "waypoints": placed.waypoints,
                "exits": placed.exits,
                "derivation": placed.derivation,
                "regions": regions,
                "provinces": provinces,
                "zones": zone_ids,
                "cross_border": provinces == ["chongqing", "sichuan"],
                "mentions": [
                    {
                        "doc": m.doc,
                        "doc_title_zh": docs[m.doc].title_zh,
                        "doc_date": docs[m.doc].date,
                        "seed": m.seed,
                        "quote": m.quote,
                        "status_zh": m.status_zh,
                        "status": classify_verb(m.status_zh)[0] if m.status_zh else None,
                        "period_start": m.period_start,
                        "period_end": m.period_end,
                        "length_km": m.length_km,
                        "investment_yi_yuan": m.investment_yi_yuan,
                        "content": m.content,
                    }
                    for m in mentions
                ],
            }
        )
        geoms.append(geom)
    frame = frame_from_records(records, geoms, spec)
    if line:
        measured = length_km(frame)
        for i, m in zip(frame.index, measured):
            if frame.at[i, "geometry"] is not None and frame.at[i, "geometry"].geom_type.endswith("LineString"):
                frame.at[i, "length_km"] = round(float(m), 1)
                doc = frame.at[i, "length_km_documented"]
                if doc:
                    frame.at[i, "length_difference_pct"] = round((float(m) - doc) / doc * 100, 1)
    return frame
