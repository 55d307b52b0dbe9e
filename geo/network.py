"""Paths along a line network: which existing line work connects two places.

Used to pick a named river out of an unnamed river network (GSHHG/WDBII): the geometry returned
is the network's own vertices; the two anchor points only choose the path.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from shapely.geometry import LineString
from shapely.strtree import STRtree

from geo.errors import GeoError
from geo.measure import distance_m

Node = tuple[float, float]


class LineNetwork:
    """An undirected graph over the vertices of a set of lines.

    Consecutive vertices are joined; line ends within ``snap_m`` metres of a vertex of another
    line are joined to it (digitised networks rarely share exact junction vertices).
    """

    def __init__(self, lines: Iterable[LineString], snap_m: float = 300.0):
        self.edges: dict[Node, dict[Node, float]] = defaultdict(dict)
        lines = [ln for ln in lines if ln is not None and not ln.is_empty and len(ln.coords) >= 2]
        for ln in lines:
            coords = [self._key(c) for c in ln.coords]
            for a, b in zip(coords, coords[1:]):
                if a != b:
                    self._join(a, b)
        self.nodes = list(self.edges)
        if not self.nodes:
            raise GeoError("empty network")
        points = np.array(self.nodes)
        self._points = points
        from shapely import points as mkpoints

        self._tree = STRtree(mkpoints(points))
        snap_deg = snap_m / 90_000.0
        for ln in lines:
            for end in (ln.coords[0], ln.coords[-1]):
                key = self._key(end)
                for idx in self._tree.query(mkpoints([end])[0].buffer(snap_deg)):
                    other = self.nodes[idx]
                    if other != key and other not in self.edges[key]:
                        d = distance_m(*key, *other)
                        if d <= snap_m:
                            self._join(key, other, d)

    @staticmethod
    def _key(c: Sequence[float]) -> Node:
        return (round(float(c[0]), 7), round(float(c[1]), 7))

    def _join(self, a: Node, b: Node, d: float | None = None) -> None:
        d = distance_m(*a, *b) if d is None else d
        self.edges[a][b] = d
        self.edges[b][a] = d

    def nearest(self, lon: float, lat: float) -> tuple[Node, float]:
        """The network vertex nearest a point, and its distance in metres."""
        from shapely import points as mkpoints

        idx = int(self._tree.nearest(mkpoints([(lon, lat)])[0]))
        node = self.nodes[idx]
        return node, distance_m(lon, lat, *node)

    def path(self, waypoints: Sequence[tuple[float, float]], max_snap_m: float = 5_000.0) -> LineString:
        """Shortest path along the network through the vertices nearest each waypoint, in order.

        Raises
        ------
        GeoError
            If a waypoint is farther than ``max_snap_m`` from the network or two waypoints are
            not connected.
        """
        if len(waypoints) < 2:
            raise GeoError("a path needs at least two waypoints")
        nodes = []
        for lon, lat in waypoints:
            node, d = self.nearest(lon, lat)
            if d > max_snap_m:
                raise GeoError(f"waypoint {lon:.3f},{lat:.3f} is {d / 1000:.1f} km from the network")
            nodes.append(node)
        coords: list[Node] = []
        for a, b in zip(nodes, nodes[1:]):
            leg = self._dijkstra(a, b)
            coords.extend(leg if not coords else leg[1:])
        coords = _without_backtracks(coords)
        if len(coords) < 2:
            raise GeoError("waypoints snap to the same vertex")
        return LineString(coords)

    def _dijkstra(self, start: Node, goal: Node) -> list[Node]:
        dist = {start: 0.0}
        prev: dict[Node, Node] = {}
        heap = [(0.0, start)]
        while heap:
            d, node = heapq.heappop(heap)
            if node == goal:
                break
            if d > dist.get(node, float("inf")):
                continue
            for nxt, w in self.edges[node].items():
                nd = d + w
                if nd < dist.get(nxt, float("inf")):
                    dist[nxt] = nd
                    prev[nxt] = node
                    heapq.heappush(heap, (nd, nxt))
        if goal not in dist:
            raise GeoError(f"no path between {start} and {goal} along the network")
        out = [goal]
        while out[-1] != start:
            out.append(prev[out[-1]])
        return out[::-1]


def _without_backtracks(coords: list[Node]) -> list[Node]:
    """Drop out-and-back detours: a waypoint that snaps onto a side branch makes the path visit
    a vertex twice; everything between the two visits is removed."""
    out: list[Node] = []
    position: dict[Node, int] = {}
    for c in coords:
        if c in position:
            cut = position[c]
            for dropped in out[cut + 1 :]:
                position.pop(dropped, None)
            out = out[: cut + 1]
        else:
            position[c] = len(out)
            out.append(c)
    return out
