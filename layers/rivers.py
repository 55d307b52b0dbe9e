"""Layer ``rivers``: real centrelines of the rivers the plans name, from GSHHG (WDBII rivers).

Source: GSHHG 2.3.7, full resolution, the World Data Bank II river network, as Debian's
``gmt-gshhg-full`` ships it, read with GMT (``gmt coast -Ia -M -Df``); WGS84; WDBII was
digitised at about 1:1–1:3 million, so positions are good to a few hundred metres to ~2 km.
WDBII rivers carry no names: ``layers/data/rivers.yaml`` gives, per river, waypoints along it
(urban centres) that choose the network path (:class:`geo.network.LineNetwork`); the geometry is
the network's own. A river that joins another ends where it meets it.

GMT is a system program (Debian ``gmt`` + ``gmt-gshhg-full``, installed by ``./atlas``); if it
is missing this layer fails to build, is reported by ``/api/layers`` and ``layers check``,
and every other layer still serves.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import geopandas as gpd
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field as PField
from shapely.geometry import LineString, Point

from geo.errors import GeoError
from geo.measure import length_km
from geo.network import LineNetwork
from layers.context import BuildContext, CuratedData
from layers.datafiles import Adcode
from layers.errors import LayerDataError
from layers.spec import COMMON_FIELDS, DataSource, Field, LayerSpec, Presentation, frame_from_records

#: Region read from GSHHG: the two provinces with a margin (lon/lat).
REGION = (97.0, 112.0, 25.5, 34.5)
JOIN_TOLERANCE_M = 60.0

GSHHG = DataSource(
    name="GSHHG 2.3.7 WDBII rivers, full resolution (Debian gmt-gshhg-full, read with GMT 6)",
    provider="Wessel & Smith, GSHHG; river network from the CIA World Data Bank II",
    licence="LGPL-3.0 (GSHHG)",
    datum="WGS84",
    url="https://www.soest.hawaii.edu/pwessel/gshhg/",
    notes="Positional accuracy of WDBII: a few hundred metres to ~2 km (digitised at 1:1M–1:3M). Names assigned by waypoints, see layers/data/rivers.yaml.",
)


class RiverRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = PField(pattern=r"^river:[a-z0-9_\-]+$")
    name_zh: str
    name_en: str
    aliases: list[str] = []
    waypoints: list[tuple[float, float]] = PField(min_length=2)
    joins: str | None = None
    starts_at_junction_with: str | None = None
    passes: list[Adcode] = []


SPEC = LayerSpec(
    id="rivers",
    title_zh="河流",
    title_en="Rivers",
    description="Centrelines of the rivers the plans name (长江, 嘉陵江, 岷江, 沱江, 涪江, 渠江, 州河, 乌江, 小江, 綦江 …) from GSHHG/WDBII.",
    geometry_type="LineString",
    fields=COMMON_FIELDS
    + (
        Field("length_km", "number", "Geodesic length of the drawn centreline within the read region, km"),
        Field("joins", "string", "Id of the river it flows into, where drawn"),
        Field("resolution", "string", "Source and positional accuracy"),
        Field("notes", "string", "Why a river is not drawn, where it is not"),
    ),
    group="context",
    id_prefix="river",
    data_sources=(GSHHG,),
    allow_null_geometry=True,
    presentation=Presentation("河流", "Rivers", style="river", order=30, zoomed=True, refetch=True),
)


def _read_gshhg() -> list[LineString]:
    gmt = shutil.which("gmt")
    if gmt is None:
        raise LayerDataError(SPEC.id, "GMT is not installed (Debian packages gmt and gmt-gshhg-full; ./atlas installs them)")
    west, east, south, north = REGION
    try:
        out = subprocess.run(
            [gmt, "coast", f"-R{west}/{east}/{south}/{north}", "-Ia", "-M", "-Df"],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    except (subprocess.SubprocessError, OSError) as exc:
        raise LayerDataError(SPEC.id, f"gmt coast failed: {exc}") from None
    lines, current = [], []
    for text in out.splitlines():
        if text.startswith(">"):
            if len(current) > 1:
                lines.append(LineString(current))
            current = []
        elif text.strip():
            x, y = text.split()[:2]
            current.append((float(x), float(y)))
    if len(current) > 1:
        lines.append(LineString(current))
    if not lines:
        raise LayerDataError(SPEC.id, "gmt coast returned no rivers (is gmt-gshhg-full installed?)")
    return lines


@cache
def network() -> LineNetwork:
    """The WDBII river network of the region (read once)."""
    # WDBII digitised tributary mouths up to ~1 km from the main stem (渠江 at 合川, 乌江 at 涪陵).
    return LineNetwork(_read_gshhg(), snap_m=1000.0)


def _cut_at_meeting(path: LineString, other: LineString) -> LineString:
    """``path`` up to its first vertex within JOIN_TOLERANCE_M of ``other`` (skipping its start)."""
    from geo.measure import distance_m

    coords = list(path.coords)
    buffer_deg = JOIN_TOLERANCE_M / 90_000
    near = other.buffer(buffer_deg)
    for i, c in enumerate(coords[1:], start=1):
        if near.contains(Point(c)):
            nearest = other.interpolate(other.project(Point(c)))
            if distance_m(c[0], c[1], nearest.x, nearest.y) <= JOIN_TOLERANCE_M:
                return LineString(coords[: i + 1])
    return path


def _start_at(path: LineString, point: Point) -> LineString:
    coords = list(path.coords)
    best = min(range(len(coords)), key=lambda i: Point(coords[i]).distance(point))
    return LineString(coords[best:]) if len(coords) - best >= 2 else path


def build(ctx: BuildContext) -> gpd.GeoDataFrame:
    """One feature per named river."""
    rows = ctx.data.rows("rivers.yaml", RiverRow, layer=SPEC.id)
    ids = {r.id for r in rows}
    for n, r in enumerate(rows, start=1):
        for ref in (r.joins, r.starts_at_junction_with):
            if ref and ref not in ids:
                raise LayerDataError(SPEC.id, f"unknown river {ref}", file="rivers.yaml", row=f"{n} ({r.id})")
    net = network()
    raw: dict[str, LineString | None] = {}
    missing: dict[str, str] = {}
    for r in rows:
        try:
            raw[r.id] = net.path(r.waypoints)
        except GeoError as exc:  # not in WDBII at this resolution: listed, never drawn by hand
            raw[r.id] = None
            missing[r.id] = f"not in the GSHHG/WDBII network at full resolution ({exc})"
    paths = dict(raw)
    for r in rows:
        if r.joins and raw[r.id] is not None and raw[r.joins] is not None:
            paths[r.id] = _cut_at_meeting(raw[r.id], raw[r.joins])
    for r in rows:
        other = r.starts_at_junction_with
        if other and paths[r.id] is not None and paths[other] is not None:
            paths[r.id] = _start_at(paths[r.id], Point(paths[other].coords[-1]))
    records = [
        {
            "id": r.id,
            "layer": SPEC.id,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "aliases": list(r.aliases),
            "kind": "river",
            "sources": [],
            "geometry_quality": "surveyed" if paths[r.id] is not None else "unlocated",
            "length_km": None,
            "joins": r.joins,
            "resolution": "GSHHG WDBII full resolution; a few hundred metres to ~2 km",
            "notes": missing.get(r.id),
        }
        for r in rows
    ]
    frame = frame_from_records(records, [paths[r.id] for r in rows], SPEC)
    frame["length_km"] = pd.Series(
        [round(float(v), 1) if g is not None else None for v, g in zip(length_km(frame), frame.geometry)],
        index=frame.index, dtype=object,
    )
    return frame


def passes(data: CuratedData, row_id: str) -> list[str]:
    """County adcodes the data file says the river passes (for tests)."""
    rows = data.rows("rivers.yaml", RiverRow, layer=SPEC.id)
    return next(r.passes for r in rows if r.id == row_id)

