"""Spatial checks of a loaded catalog: how good the positions are, and what is not placed.

Used by ``python -m layers check --spatial`` and by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.measure import distance_m

#: A line that passes farther than this from a place its text names is listed.
LINE_PLACE_TOLERANCE_KM = 10.0


@dataclass(frozen=True)
class DistanceStats:
    """Distances in km: count, median, 90th percentile, max and share within 2 and 5 km."""

    n: int
    median: float
    p90: float
    max: float
    within_2km: float
    within_5km: float

    @classmethod
    def of(cls, km: list[float]) -> DistanceStats:
        a = np.asarray(km, dtype=float)
        if not len(a):
            return cls(0, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"))
        return cls(len(a), float(np.median(a)), float(np.percentile(a, 90)), float(a.max()),
                   float((a <= 2).mean()), float((a <= 5).mean()))

    def __str__(self) -> str:
        return (f"n={self.n} median {self.median:.2f} km, p90 {self.p90:.2f} km, max {self.max:.2f} km, "
                f"{self.within_2km:.0%} within 2 km, {self.within_5km:.0%} within 5 km")


def seat_vs_second_source(gazetteer, kinds=("seat", "city_seat")) -> DistanceStats:
    """Seats of the gazetteer against the second source recorded with each (cpca, converted)."""
    return DistanceStats.of([r.check_distance_km for r in gazetteer.rows
                             if r.kind in kinds and r.check_distance_km is not None])


def seat_vs_label_point(gazetteer) -> DistanceStats:
    """How far the sourced seats are from the Tianditu label points used before (the error removed)."""
    from layers.gazetteer import _table

    table = _table()
    seen, km = set(), []
    for r in gazetteer.rows:
        if r.kind == "seat" and r.adcode in table.index and r.adcode not in seen and r.adcode[:2] in ("50", "51"):
            seen.add(r.adcode)
            t = table.loc[r.adcode]
            km.append(distance_m(r.lon, r.lat, float(t["lon"]), float(t["lat"])) / 1000)
    return DistanceStats.of(km)


def unlocated(catalog) -> dict[str, list[str]]:
    """Ids of features with no geometry, by layer."""
    return {lid: layer.frame.loc[layer.frame.geometry.isna(), "id"].tolist()
            for lid, layer in catalog.layers.items() if layer.frame.geometry.isna().any()}


def lines_far_from_named_places(catalog, tolerance_km: float = LINE_PLACE_TOLERANCE_KM) -> list[tuple[str, str, float]]:
    """(feature id, place, km) for every line that passes farther than ``tolerance_km`` from a
    located place its text names or its route lists."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    out = []
    for layer in catalog.layers.values():
        frame = layer.frame
        if "waypoints" not in frame.columns:
            continue
        for fid, geom, places, waypoints in zip(frame["id"], frame.geometry, frame["places"], frame["waypoints"]):
            if geom is None or not geom.geom_type.endswith("LineString"):
                continue
            for p in [*(places or []), *(waypoints or [])]:
                if p.get("lon") is None or p["adcode"].endswith("0000"):
                    continue  # unlocated, or a province-level name (重庆 as the municipality)
                near = nearest_points(geom, Point(p["lon"], p["lat"]))[0]
                km = distance_m(near.x, near.y, p["lon"], p["lat"]) / 1000
                if km > tolerance_km:
                    out.append((fid, p["name_zh"], round(km, 1)))
    return sorted(set(out))
