"""Where a project row is drawn: facilities at their sites, lines through their waypoints, channel
works along their river.

Rules (each feature's ``derivation`` says which applied):

- a row with a curated site (``sites.yaml``) is a point at that site, or ``unlocated`` when the
  site file says no source locates it;
- a line row runs through its route (``waypoints.yaml``: every place its text names, in order,
  plus sourced waypoints) or, without a route, through the places its text names; each place
  is located by :class:`layers.gazetteer.Gazetteer` (urban seats and towns); a place no source
  locates is skipped and listed;
- a channel-works row whose route names a river follows that river's centreline (the rivers
  layer) between its named ends. An end no source locates is placed mid-way along the river's
  run through the unit its adcode names (朝天门 in 渝中区); a section the text bounds by a unit
  (``within``: 渠江重庆段, 沱江雁江区段) is the river's run through that unit. Only a row that
  names the whole waterway (no ends, no unit) is drawn whole: a section is never drawn as its
  whole river, and one whose end can be placed neither way is ``unlocated``;
- a facility row without a site entry is a point at the towns or sites its text names; a row
  naming only administrative units is ``unlocated``: a facility is never put at a city's centre;
- outside the map frame (:data:`MAP_FRAME`, the two provinces and their neighbours) a line keeps
  its full geometry (downloads, OGC), and its ``exits`` give where and toward what it leaves the
  frame, so the map can end it there with "→ 郑州".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from pydantic import BaseModel, ConfigDict, Field as PField
from shapely.geometry import LineString, MultiPoint, Point, box
from shapely.ops import substring

from geo.measure import distance_m, geometry_length_km
from layers import boundaries
from layers.datafiles import Adcode
from layers.gazetteer import Gazetteer, Location
from layers.sources import Citation

#: The map's frame (lon/lat): Sichuan, Chongqing and a margin into their neighbours.
MAP_FRAME = (97.0, 25.5, 110.8, 34.6)


class RoutePoint(BaseModel):
    """A named place on a route, with where the route comes from."""

    model_config = ConfigDict(extra="forbid")
    name_zh: str
    adcode: Adcode
    source: str | Citation


class RouteRow(BaseModel):
    """One entry of ``waypoints.yaml``: a line's ordered route, or a channel work's river and ends."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str
    waypoints: list[RoutePoint] = []
    river: str | None = None
    river_id: str | None = None
    river_source: Citation | None = None
    start: RoutePoint | None = PField(default=None, alias="from")
    end: RoutePoint | None = PField(default=None, alias="to")
    #: A section named by the unit it lies in (渠江重庆段): the river's run through that unit.
    within: RoutePoint | None = None
    note: str | None = None

    def citations(self) -> list[Citation]:
        """Seed quotes the route rests on (verified by ``python -m layers check``)."""
        points = [*self.waypoints, *(p for p in (self.start, self.end, self.within) if p)]
        out = [p.source for p in points if isinstance(p.source, Citation)]
        if self.river_source:
            out.append(self.river_source)
        return list(dict.fromkeys(out))


@dataclass
class Placement:
    """A row's geometry and how it was made."""

    geometry: object | None
    quality: str
    derivation: str
    places: list[dict] = field(default_factory=list)
    waypoints: list[dict] = field(default_factory=list)
    exits: list[dict] = field(default_factory=list)


def _place_dict(name_zh: str, adcode: str, loc: Location, source=None) -> dict:
    out = {"name_zh": name_zh, "adcode": adcode, **loc.as_dict()}
    if source is not None:
        out["source"] = source.model_dump() if isinstance(source, Citation) else source
    if loc.note and not loc.located:
        out["note"] = loc.note
    return out


def _distinct(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for c in coords:
        if not out or out[-1] != c:
            out.append(c)
    return out


def frame_exits(line, ends: list[tuple[str, str | None]]) -> list[dict]:
    """Where a line leaves :data:`MAP_FRAME`, and toward which named end.

    ``ends`` are the names (zh, en) of the line's first and last waypoints.
    """
    frame = box(*MAP_FRAME)
    if line is None or line.geom_type != "LineString" or frame.contains(line):
        return []
    inside = line.intersection(frame)
    if inside.is_empty:
        return []
    out = []
    coords = list(line.coords)
    for end_index, (name_zh, name_en) in ((0, ends[0]), (-1, ends[1])):
        if frame.contains(Point(coords[end_index])):
            continue
        # The crossing nearest to that end, measured along the line.
        crossings = line.intersection(frame.exterior)
        points = [crossings] if crossings.geom_type == "Point" else list(getattr(crossings, "geoms", []))
        points = [p for p in points if p.geom_type == "Point"]
        if not points:
            continue
        target = 0.0 if end_index == 0 else line.length
        p = min(points, key=lambda q: abs(line.project(q) - target))
        out.append({"lon": round(p.x, 5), "lat": round(p.y, 5), "toward_zh": name_zh, "toward_en": name_en})
    return out


def _river_centreline(river_line):
    """A river's geometry as one LineString (its longest part if it does not merge into one)."""
    line = river_line if river_line.geom_type == "LineString" else shapely.line_merge(river_line)
    if line.geom_type != "LineString":
        line = max(line.geoms, key=lambda g: g.length)
    return line


#: A located end farther than this from its river's centreline (GSHHG is good to ~2 km, urban
#: seats lie up to ~3 km from the channel) is off the river; the derivation says so.
END_OFF_RIVER_KM = 5.0
#: A stretch shorter than this is not a stretch: its ends fell together (水富, on the 金沙江,
#: projects onto the first vertex of the 长江, which begins at 宜宾).
MIN_SECTION_KM = 1.0


def _run_through(line, unit) -> tuple[float, float] | None:
    """Where a line runs through a polygon: the first and last distance along the line inside
    it (None when the line does not cross it)."""
    if unit is None:
        return None
    inside = line.intersection(unit)
    parts = [g for g in getattr(inside, "geoms", [inside]) if not g.is_empty and g.geom_type == "LineString"]
    if not parts:
        return None
    positions = [line.project(Point(c)) for g in parts for c in (g.coords[0], g.coords[-1])]
    return min(positions), max(positions)


@dataclass
class RiverSection:
    """A channel work's stretch of its river, or why it has none."""

    geometry: object | None
    how: str  # the derivation's words after "along the <river> centreline (GSHHG) "


def river_section(river_line, route: RouteRow, locate, unit_geometry, unit_name) -> RiverSection:
    """The stretch of ``river_line`` a channel-works route describes (see the module docstring).

    ``locate(name_zh, adcode)`` gives a :class:`Location`; ``unit_geometry(adcode)`` a unit's
    polygon or None; ``unit_name(adcode)`` its Chinese name.
    """
    line = _river_centreline(river_line)
    if route.within is not None:
        unit = route.within
        run = _run_through(line, unit_geometry(unit.adcode))
        if run is None:
            return RiverSection(None, f"does not cross {unit.name_zh} ({unit.adcode}), the unit the text bounds the section by")
        return RiverSection(substring(line, *run), f"through {unit.name_zh} ({unit.adcode}), the unit the text names the section by")
    ends = [p for p in (route.start, route.end) if p is not None]
    if not ends:
        return RiverSection(line, "as drawn in the rivers layer (the text names the whole waterway)")
    if len(ends) == 1:
        return RiverSection(None, f"names one end only ({ends[0].name_zh}): the stretch cannot be bounded")
    positions, notes = [], []
    for end in ends:
        loc = locate(end.name_zh, end.adcode)
        if loc is not None and loc.located:
            at = line.project(Point(loc.lon, loc.lat))
            on_river = line.interpolate(at)
            off_km = distance_m(loc.lon, loc.lat, on_river.x, on_river.y) / 1000
            if off_km > END_OFF_RIVER_KM:
                notes.append(f"{end.name_zh} lies {off_km:.0f} km from the river as drawn: the stretch ends at the river's nearest point")
            positions.append(at)
            continue
        run = _run_through(line, unit_geometry(end.adcode))
        name = unit_name(end.adcode) or end.adcode
        if run is None:
            return RiverSection(None, f"cannot be bounded: no source locates {end.name_zh}, and the river does not cross {name} ({end.adcode})")
        positions.append((run[0] + run[1]) / 2)
        notes.append(f"{end.name_zh} not located: placed mid-way along the river's run through {name} ({end.adcode})")
    a, b = sorted(positions)
    section = substring(line, a, b)
    if section.geom_type != "LineString" or geometry_length_km(section) < MIN_SECTION_KM:
        return RiverSection(None, f"cannot be bounded: {ends[0].name_zh} and {ends[1].name_zh} fall within {MIN_SECTION_KM:g} km of each other on the river as drawn"
                            + "".join(f"; {n}" for n in notes))
    how = f"between {ends[0].name_zh} and {ends[1].name_zh}" + "".join(f"; {n}" for n in notes)
    return RiverSection(section, how)


def place_row(row, is_line: bool, gazetteer: Gazetteer, route: RouteRow | None, rivers, english,
              unit_geometry=None, unit_name=None) -> Placement:
    """The geometry of one project row (see the module docstring).

    ``rivers`` maps a river id and a river name to its geometry (None when the layer has no
    river dependency); ``english`` turns a Chinese place name into English for exit labels;
    ``unit_geometry`` and ``unit_name`` give a unit's polygon and name by adcode (default: the
    Tianditu boundaries, :mod:`layers.boundaries`).
    """
    if unit_geometry is None or unit_name is None:
        units = boundaries.units_by_adcode()
        unit_geometry = unit_geometry or boundaries.unit_geometry
        unit_name = unit_name or (lambda code: units.loc[code, "name_zh"] if code in units.index else None)
    places = [(p.name_zh, p.adcode, gazetteer.locate(p.name_zh, p.adcode)) for p in row.places]
    place_dicts = [_place_dict(n, a, loc) for n, a, loc in places]
    site = gazetteer.site(row.id)
    if site is not None:
        if not site.located:
            return Placement(None, "unlocated", f"site file: {site.note or 'no source locates the site'}", place_dicts)
        note = f"site {site.name_zh}: {site.source}"
        return Placement(Point(site.lon, site.lat), "sited", note, place_dicts)
    if is_line and route is not None and (route.river_id or route.river) and rivers is not None:
        river_line = rivers.get(route.river_id) if route.river_id else None
        river_line = river_line if river_line is not None else rivers.get(route.river)
        if river_line is not None:
            section = river_section(river_line, route, gazetteer.locate, unit_geometry, unit_name)
            ends = [p for p in (route.start, route.end, route.within) if p]
            wp = [_place_dict(p.name_zh, p.adcode, gazetteer.locate(p.name_zh, p.adcode), p.source) for p in ends]
            if section.geometry is None or section.geometry.is_empty:
                return Placement(None, "unlocated", f"a stretch of the {route.river} that {section.how}", place_dicts, wp)
            return Placement(section.geometry, "schematic", f"along the {route.river} centreline (GSHHG) {section.how}", place_dicts, wp)
    if is_line:
        seq = route.waypoints if route is not None and route.waypoints else None
        if seq:
            located = [(p, gazetteer.locate(p.name_zh, p.adcode)) for p in seq]
            waypoints = [_place_dict(p.name_zh, p.adcode, loc, p.source) for p, loc in located]
            names = [p.name_zh for p, _ in located]
        else:
            located = [(None, loc) for _, _, loc in places]
            waypoints = []
            names = [n for n, _, _ in places]
        coords = _distinct([(loc.lon, loc.lat) for _, loc in located if loc.located])
        skipped = [n for n, (_, loc) in zip(names, located) if not loc.located]
        note = f"; not located: {'、'.join(skipped)}" if skipped else ""
        if len(coords) >= 2:
            line = LineString(coords)
            first = next(n for n, (_, loc) in zip(names, located) if loc.located)
            last = next(n for n, (_, loc) in zip(reversed(names), reversed(located)) if loc.located)
            exits = frame_exits(line, [(first, english(first)), (last, english(last))])
            how = "route waypoints" if seq else "the places its text names"
            return Placement(line, "schematic", f"through {how}: {' → '.join(n for n, (_, l) in zip(names, located) if l.located)}{note}",
                             place_dicts, waypoints, exits)
    # A facility (or a line naming one place): the towns or sites its text names.
    sites = [(n, loc) for n, _, loc in places if loc.located and loc.kind in ("town", "airport", "site")]
    if sites:
        pts = _distinct([(loc.lon, loc.lat) for _, loc in sites])
        geom = Point(pts[0]) if len(pts) == 1 else MultiPoint(pts)
        return Placement(geom, "sited", "at the town(s) its text names: " + "、".join(n for n, _ in sites), place_dicts)
    if not places:
        return Placement(None, "unlocated", "the documents name no place", place_dicts)
    return Placement(None, "unlocated",
                     "the text names only administrative units (" + "、".join(n for n, _, _ in places) + "), not the facility's site",
                     place_dicts)
