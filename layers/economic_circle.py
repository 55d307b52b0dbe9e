"""Layer ``economic_circle``: the planning scope of the Outline, dissolved.

The Outline (规划纲要, 规划范围) names 27 Chongqing districts/counties plus parts of 开州 and 云阳,
and 15 Sichuan cities, three of them minus named counties. Membership of every county is
computed here once and used by the region layers (``in_economic_circle``) and this layer.
Two features: the units wholly inside, and the two partial units (drawn whole, since the text
does not say which part; marked so).
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd
from pydantic import BaseModel, ConfigDict

from geo.measure import area_km2
from layers import boundaries
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.sources import Citation
from layers.context import BuildContext, CuratedData
from layers.spec import COMMON_FIELDS, Field, LayerSpec, Presentation

DOCUMENTED_AREA_KM2 = 185000.0  # 18.5 万平方公里 (Outline, cited as `area`)


class ScopeRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    adcode: Adcode
    name_zh: str
    membership: Literal["full", "partial", "excluded"]
    source: str


class ScopeSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str
    citation: Citation


SPEC = LayerSpec(
    id="economic_circle",
    title_zh="成渝地区双城经济圈规划范围",
    title_en="Chengdu–Chongqing Economic Circle planning scope",
    description=(
        "The planning scope of the Outline dissolved from county boundaries: one feature for the "
        "units wholly inside, one for 开州区 and 云阳县, of which only an unspecified part belongs (drawn as an "
        "indicative extent, not measured as part of the circle)."
    ),
    geometry_type="Polygon",
    fields=COMMON_FIELDS
    + (
        Field("area_km2", "number", "Measured area of the whole units, km² (Albers equal-area); null for the partial units, of which only an unstated part belongs"),
        Field("area_km2_drawn", "number", "Area of the drawn geometry, km² (for the partial feature: all of 开州 and 云阳, drawn as an indicative extent)"),
        Field("area_km2_documented", "number", "Documented area of the whole scope, km² (18.5万)"),
        Field("member_count", "integer", "Number of county-level units in this feature"),
        Field("members", "array", "County-level units: list of {adcode, name_zh, part}"),
        Field("notes", "string", "How to read the measured against the documented area"),
    ),
    group="zones",
    id_prefix="economic_circle",
    data_sources=(boundaries.TIANDITU,),
    presentation=Presentation("经济圈范围", "Economic circle", style="scope", order=40, zoomed=True),
)


def scope_sources(data: CuratedData) -> dict[str, Citation]:
    """Citations for the scope rows, by key."""
    rows = data.rows("economic_circle_sources.yaml", ScopeSource, layer=SPEC.id)
    return {r.key: r.citation for r in rows}


def scope_rows(data: CuratedData) -> list[ScopeRow]:
    """The units the Outline names, validated (adcodes must exist with the same name)."""
    rows = data.rows("economic_circle.yaml", ScopeRow, layer=SPEC.id)
    units = boundaries.units_by_adcode()
    sources = scope_sources(data)
    for n, r in enumerate(rows, start=1):
        if r.adcode not in units.index:
            raise LayerDataError(SPEC.id, f"unknown adcode {r.adcode}", file="economic_circle.yaml", row=n)
        if units.loc[r.adcode, "name_zh"] != r.name_zh:
            raise LayerDataError(
                SPEC.id,
                f"adcode {r.adcode} is {units.loc[r.adcode, 'name_zh']}, not {r.name_zh}",
                file="economic_circle.yaml",
                row=n,
            )
        if r.source not in sources:
            raise LayerDataError(SPEC.id, f"unknown source key {r.source}", file="economic_circle.yaml", row=n)
    return rows


def county_membership(data: CuratedData) -> dict[str, str]:
    """``full``, ``partial`` or ``no`` for every county adcode of the two provinces."""
    membership = {a: "no" for a in boundaries.counties()["adcode"]}
    rows = scope_rows(data)
    excluded = {r.adcode for r in rows if r.membership == "excluded"}
    for r in rows:
        if r.membership == "excluded":
            continue
        for county in boundaries.counties_of(r.adcode):
            if county not in excluded:
                membership[county] = r.membership
    return membership


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """Dissolve the member counties into the full and partial features."""
    counties = boundaries.counties()
    membership = county_membership(ctx.data)
    src = scope_sources(ctx.data)
    rows, geoms = [], []
    for part, name_zh, name_en, keys in (
        ("full", "成渝地区双城经济圈（全域纳入的区县）", "Chengdu–Chongqing Economic Circle (whole units)", ["scope", "chongqing2", "sichuan", "sichuan2", "yaan", "area"]),
        ("partial", "成渝地区双城经济圈（部分纳入：开州、云阳）", "Chengdu–Chongqing Economic Circle (partial units: Kaizhou, Yunyang)", ["partial", "area"]),
    ):
        members = counties[counties["adcode"].map(membership) == part]
        geom = members.geometry.union_all()
        geoms.append(geom)
        rows.append(
            {
                "id": f"economic_circle:{part}",
                "layer": SPEC.id,
                "name_zh": name_zh,
                "name_en": name_en,
                "aliases": ["成渝地区双城经济圈", "双城经济圈", "成渝经济圈"],
                "kind": part,
                "sources": [src[k].model_dump() for k in keys],
                "geometry_quality": "administrative" if part == "full" else "indicative",
                "area_km2": None,
                "area_km2_drawn": None,
                "area_km2_documented": DOCUMENTED_AREA_KM2,
                "member_count": int(len(members)),
                "members": [
                    {"adcode": a, "name_zh": n, "part": part == "partial"}
                    for a, n in zip(members["adcode"], members["name_zh"])
                ],
                "notes": "",
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    drawn = area_km2(frame).round(1).astype(float).tolist()
    frame["area_km2_drawn"] = drawn
    # The partial units are drawn whole (hatched as indicative) but never measured as the circle.
    frame["area_km2"] = pd.Series([drawn[0], None], index=frame.index, dtype=object)
    full, partial = drawn
    note = (
        f"Measured: whole units {full:,.0f} km²; with all of 开州区 and 云阳县 {full + partial:,.0f} km²; "
        f"documented 185,000 km² (18.5万平方公里), which includes only part of 开州 and 云阳."
    )
    frame["notes"] = note
    return frame[SPEC.field_names + ["geometry"]]
