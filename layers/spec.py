"""Layer specifications and the one validator every built layer passes through."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from layers.errors import LayerDataError

#: Python types accepted for each declared field type (None is always accepted: null).
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}

#: From this zoom on, responses carry every property and full-resolution geometry.
FULL_DETAIL_ZOOM = 12
#: The detail levels the map fetches its zoomed layers at: a map zoom uses the first level at
#: or above it (so a layer is simplified a handful of times, not once per zoom).
MAP_DETAIL_LEVELS = (5, 7, 9, 11, FULL_DETAIL_ZOOM)

GEOMETRY_FAMILIES: dict[str, set[str]] = {
    "Polygon": {"Polygon", "MultiPolygon"},
    "LineString": {"LineString", "MultiLineString"},
    "Point": {"Point", "MultiPoint"},
}


@dataclass(frozen=True)
class Field:
    """One property of a layer's features."""

    name: str
    type: str
    description: str
    required: bool = False
    #: For an array of objects: the keys its items keep in zoom-level (display) responses, one
    #: item per distinct result (a project's mentions become the documents naming it).
    summary_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")
        if self.summary_keys and self.type != "array":
            raise ValueError(f"field {self.name}: summary_keys apply to arrays of objects, not to {self.type!r}")

    def summary(self, value):
        """``value`` as a zoom-level response gives it: each item cut to :attr:`summary_keys`,
        repeats dropped, order kept; a value without summary keys as it is."""
        if not self.summary_keys or not isinstance(value, (list, tuple)):
            return value
        out, seen = [], set()
        for item in value:
            cut = {k: item.get(k) for k in self.summary_keys} if isinstance(item, dict) else item
            key = repr(cut)
            if key not in seen:
                seen.add(key)
                out.append(cut)
        return out


@dataclass(frozen=True)
class DataSource:
    """A dataset a layer is built from: where it comes from, its licence and its datum."""

    name: str
    provider: str
    licence: str
    datum: str
    url: str = ""
    notes: str = ""


#: Groups of layers: what a layer is for. Search lists results of equal rank in this order.
GROUPS: dict[str, tuple[str, str]] = {
    "zones": ("区域", "Zones"),
    "base": ("基础", "Base"),
    "context": ("背景", "Context"),
    "projects": ("项目", "Projects"),
    "plans": ("布局", "Plans"),
    "reference": ("参考", "Reference"),
}

#: Map styles the map script knows how to draw (static/atlas.js, ``STYLERS``).
MAP_STYLES = ("outline", "region", "scope", "zone", "river", "line", "point", "layout", "area", "network")


@dataclass(frozen=True)
class Presentation:
    """How the map shows a layer: label, default visibility, draw order and style keys.

    ``style`` names one of :data:`MAP_STYLES`; ``colour`` is the layer's colour where the style
    uses one (projects, platforms, energy). ``in_control`` False keeps a layer off the layer
    control (the layout layer is shown one plan at a time by the plan selector).
    """

    label_zh: str
    label_en: str
    style: str
    order: int
    visible: bool = True
    colour: str | None = None
    legend: bool = False
    in_control: bool = True
    #: Fetched at the map's zoom level, with display properties only (the spec's
    #: ``summary_fields``; a popup fetches the whole feature when it opens), rather than in full.
    zoomed: bool = False
    #: Fetched again when the zoom level changes (base layers whose detail follows the zoom).
    #: Only such layers are simplified for the level (and those that say ``simplified``): a
    #: layer fetched once keeps its full geometry, so it stays exact when the map zooms in.
    refetch: bool = False
    #: Simplified for the level although fetched once (the plan layout, drawn at plan scale).
    simplified: bool = False

    def __post_init__(self) -> None:
        if self.style not in MAP_STYLES:
            raise ValueError(f"unknown map style {self.style!r}; known: {MAP_STYLES}")

    def as_dict(self) -> dict:
        return {
            "label_zh": self.label_zh, "label_en": self.label_en, "style": self.style, "order": self.order,
            "visible": self.visible, "colour": self.colour, "legend": self.legend, "in_control": self.in_control,
            "zoomed": self.zoomed, "refetch": self.refetch, "simplified": self.simplified,
        }


@dataclass(frozen=True)
class LayerSpec:
    """What a layer is: identity, titles, geometry, typed fields, group, dependencies, query and
    map behaviour. Every list of layers anywhere is derived from the registered specs."""

    id: str
    title_zh: str
    title_en: str
    description: str
    geometry_type: str
    fields: tuple[Field, ...]
    group: str
    #: Prefix of every feature id of this layer (``rail`` → ``rail:…``).
    id_prefix: str
    data_sources: tuple[DataSource, ...] = field(default=())
    #: Layers whose built frames the builder reads; the catalog builds them first.
    depends_on: tuple[str, ...] = ()
    #: (start, end) integer-year fields giving a feature's period, for the one time filter.
    temporal_fields: tuple[str, str] | None = None
    #: Field giving the start of a feature whose period is not documented at all (e.g. the year of
    #: the first document naming it); its period is then open-ended from that year.
    temporal_fallback_start: str | None = None
    #: Fields whose text (and pinyin) ``q=`` and /api/search match.
    searchable_fields: tuple[str, ...] = ("name_zh", "name_en", "aliases")
    #: The map's frame (west, south, east, north): lines are clipped to it in map responses
    #: (/api/layers/{id}); downloads and OGC items keep the full geometry.
    display_frame: tuple[float, float, float, float] | None = None
    #: How the overview map shows the layer; None: not drawn on the overview map.
    presentation: Presentation | None = None
    #: Further geometry families allowed, e.g. points for one-place works in a line layer.
    extra_geometry_types: tuple[str, ...] = ()
    #: Whether a feature may have no geometry (a row the documents name but do not place).
    allow_null_geometry: bool = False
    #: Properties kept in zoom-level (display) responses, besides id, layer, names and kind;
    #: the full set is one request away (no zoom, or /api/features/{id}).
    summary_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.group not in GROUPS:
            raise ValueError(f"layer {self.id}: unknown group {self.group!r}; known: {list(GROUPS)}")
        names = set(self.field_names)
        extra = (self.temporal_fallback_start,) if self.temporal_fallback_start else ()
        for name in (*(self.temporal_fields or ()), *extra, *self.searchable_fields, *self.summary_fields):
            if name not in names:
                raise ValueError(f"layer {self.id}: {name!r} is not one of its fields")
        if self.temporal_fields is not None and len(self.temporal_fields) != 2:
            raise ValueError(f"layer {self.id}: temporal_fields is (start, end)")

    def display_fields(self, zoom: int | None) -> list[str]:
        """Properties of a response at ``zoom``, in spec order: every field without a zoom (or
        from :data:`FULL_DETAIL_ZOOM` on), else the identity fields plus ``summary_fields``."""
        if zoom is None or zoom >= FULL_DETAIL_ZOOM:
            return self.field_names
        wanted = {"id", "layer", "name_zh", "name_en", "kind", "geometry_quality", *self.summary_fields}
        return [f for f in self.field_names if f in wanted]

    @property
    def simplified_at_zoom(self) -> bool:
        """Whether zoom-level responses simplify the geometry (about two pixels at the zoom):
        for layers the map fetches again at every level, or whose presentation says so."""
        p = self.presentation
        return p is not None and (p.refetch or p.simplified)

    @property
    def field_names(self) -> list[str]:
        """Property names in declared order."""
        return [f.name for f in self.fields]

    def as_dict(self) -> dict:
        """A JSON-ready description for catalogues."""
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "description": self.description,
            "group": self.group,
            "id_prefix": self.id_prefix,
            "depends_on": list(self.depends_on),
            "temporal_fields": list(self.temporal_fields) if self.temporal_fields else None,
            "temporal_fallback_start": self.temporal_fallback_start,
            "searchable_fields": list(self.searchable_fields),
            "presentation": self.presentation.as_dict() if self.presentation else None,
            "geometry_type": self.geometry_type,
            "extra_geometry_types": list(self.extra_geometry_types),
            "allow_null_geometry": self.allow_null_geometry,
            "fields": [
                {"name": f.name, "type": f.type, "description": f.description} for f in self.fields
            ],
            "data_sources": [
                {
                    "name": s.name,
                    "provider": s.provider,
                    "licence": s.licence,
                    "datum": s.datum,
                    "url": s.url,
                    "notes": s.notes,
                }
                for s in self.data_sources
            ],
        }


#: Fields every layer carries (architecture note, "Feature properties").
COMMON_FIELDS: tuple[Field, ...] = (
    Field("id", "string", "Stable id, unique across layers", required=True),
    Field("layer", "string", "Layer id", required=True),
    Field("name_zh", "string", "Chinese name", required=True),
    Field("name_en", "string", "English name: official where known, else pinyin", required=True),
    Field("aliases", "array", "Other names the documents use; searched by q="),
    Field("kind", "string", "Finer class within the layer"),
    Field("sources", "array", "Citations: list of {seed, doc, quote}; quotes verbatim from the seed"),
    Field(
        "geometry_quality",
        "string",
        "administrative (from boundaries), surveyed, sited (a sourced point at the facility or town), schematic "
        "(through named places and sourced waypoints), indicative (part of a unit, drawn as an outline), approximate "
        "(a label point, last resort) or unlocated (the documents name no locatable place: no geometry)",
        required=True,
    ),
)

GEOMETRY_QUALITIES = {"administrative", "surveyed", "sited", "schematic", "indicative", "approximate", "unlocated"}


def _is_of(value, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in allowed:
        return False  # bool is an int subclass; a boolean is not a number here
    return isinstance(value, allowed)


def validate_frame(frame: gpd.GeoDataFrame, spec: LayerSpec) -> gpd.GeoDataFrame:
    """Check a built layer against its spec; return it unchanged or raise :class:`LayerDataError`.

    Rules: columns equal the declared fields plus ``geometry``; CRS is EPSG:4326; ids unique and
    non-null; required fields non-null; every value of the declared type; geometry non-empty,
    valid and of the declared family; ``geometry_quality`` from the allowed set.
    """
    def fail(rule: str, row=None):
        raise LayerDataError(spec.id, rule, row=row)

    if not isinstance(frame, gpd.GeoDataFrame):
        fail("build() did not return a GeoDataFrame")
    if frame.crs is None or CRS.from_user_input(frame.crs) != CRS.from_epsg(4326):
        fail(f"CRS must be EPSG:4326, got {frame.crs}")
    expected = spec.field_names + ["geometry"]
    if list(frame.columns) != expected:
        missing = [c for c in expected if c not in frame.columns]
        extra = [c for c in frame.columns if c not in expected]
        fail(f"columns differ from spec: missing {missing}, unexpected {extra} (order must follow the spec)")
    if frame["id"].isna().any():
        fail("null id")
    dup = frame["id"][frame["id"].duplicated()].tolist()
    if dup:
        fail(f"duplicate ids {dup[:5]}")
    wrong_prefix = [i for i in frame["id"] if not str(i).startswith(spec.id_prefix + ":")]
    if wrong_prefix:
        fail(f"ids must start with {spec.id_prefix + ':'!r}: {wrong_prefix[:5]}")
    if (frame["layer"] != spec.id).any():
        fail("column 'layer' must equal the layer id")
    for fld in spec.fields:
        allowed = FIELD_TYPES[fld.type]
        for fid, value in zip(frame["id"], frame[fld.name]):
            if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
                if fld.required:
                    fail(f"field {fld.name} is required but null", row=fid)
                continue
            if not _is_of(value, allowed):
                fail(f"field {fld.name} must be {fld.type}, got {type(value).__name__}: {str(value)[:60]}", row=fid)
    bad_quality = set(frame["geometry_quality"]) - GEOMETRY_QUALITIES
    if bad_quality:
        fail(f"geometry_quality values {sorted(bad_quality)} not in {sorted(GEOMETRY_QUALITIES)}")
    geoms = frame.geometry.to_numpy()
    family = set(GEOMETRY_FAMILIES[spec.geometry_type])
    for extra in spec.extra_geometry_types:
        family |= GEOMETRY_FAMILIES[extra]
    for fid, geom, quality in zip(frame["id"], geoms, frame["geometry_quality"]):
        if geom is None or geom.is_empty:
            if spec.allow_null_geometry and quality == "unlocated":
                continue
            fail("empty geometry", row=fid)
        if geom.geom_type not in family:
            fail(f"geometry {geom.geom_type} is not allowed (layer is {spec.geometry_type})", row=fid)
        if not shapely.is_valid(geom):
            fail(f"invalid geometry: {shapely.is_valid_reason(geom)}", row=fid)
    return frame


def frame_from_records(records: list[dict], geometries, spec: LayerSpec) -> gpd.GeoDataFrame:
    """A layer frame in spec column order whose property columns keep Python values (object dtype).

    Pandas would otherwise turn an integer column holding a null into floats, and NaN into
    properties; every build() goes through here so exports see ints, None and lists as built.
    """
    data = {name: pd.Series([r.get(name) for r in records], dtype=object) for name in spec.field_names}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(list(geometries), crs="EPSG:4326"), crs="EPSG:4326")
