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
  layer) between its named ends (the whole drawn river when the text names no ends);
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
    note: str | None = None

    def citations(self) -> list[Citation]:
        """Seed quotes the route rests on (verified by ``python -m layers check``)."""
        points = [*self.waypoints, *(p for p in (self.start, self.end) if p)]
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


def _river_section(river_line, start: Location | None, end: Location | None):
    """The part of a river centreline between the points nearest two located ends."""
    if river_line is None:
        return None
    line = river_line if river_line.geom_type == "LineString" else shapely.line_merge(river_line)
    if line.geom_type != "LineString":
        line = max(line.geoms, key=lambda g: g.length)
    if start is None or end is None or not (start.located and end.located):
        return line
    a = line.project(Point(start.lon, start.lat))
    b = line.project(Point(end.lon, end.lat))
    if abs(a - b) < 1e-9:
        return None
    return substring(line, min(a, b), max(a, b))


def place_row(row, is_line: bool, gazetteer: Gazetteer, route: RouteRow | None, rivers, english) -> Placement:
    """The geometry of one project row (see the module docstring).

    ``rivers`` maps a river id and a river name to its geometry (None when the layer has no
    river dependency); ``english`` turns a Chinese place name into English for exit labels.
    """
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
            start = gazetteer.locate(route.start.name_zh, route.start.adcode) if route.start else None
            end = gazetteer.locate(route.end.name_zh, route.end.adcode) if route.end else None
            section = _river_section(river_line, start, end)
            if section is not None and not section.is_empty:
                ends = [p for p in (route.start, route.end) if p]
                wp = [_place_dict(p.name_zh, p.adcode, loc, p.source) for p, loc in zip(ends, (start, end)) if loc is not None]
                what = f"between {route.start.name_zh} and {route.end.name_zh}" if route.start and route.end and start.located and end.located else "as drawn in the rivers layer"
                return Placement(section, "schematic", f"along the {route.river} centreline (GSHHG) {what}", place_dicts, wp)
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
