"""Domain reports over a loaded catalog (the API renders them; it does not compute them)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from layers import boundaries
from layers.errors import UnknownFeatureError
from layers.status import STATUSES


@dataclass(frozen=True)
class ZoneReport:
    """A zone with what touches it.

    Attributes
    ----------
    zone : pandas.Series
        The zone's properties.
    frame : GeoDataFrame
        The zone as a one-row frame.
    projects : list of (layer id, pandas.Series)
        Project features whose geometry touches the zone, ordered by layer (registry order),
        status (in order of progress) and name.
    counts : dict
        ``layer id → status → count`` of those projects.
    member_counties : GeoDataFrame or None
        County features covered by the zone's members (None if the counties layer is unavailable).
    """

    zone: pd.Series
    frame: gpd.GeoDataFrame
    projects: list[tuple[str, pd.Series]]
    counts: dict[str, dict[str, int]]
    member_counties: gpd.GeoDataFrame | None


def zone_report(catalog, zone_id: str) -> ZoneReport:
    """What touches a zone: its projects by layer and status, and its member counties.

    Raises
    ------
    UnknownFeatureError
        If ``zone_id`` is not a feature of the zones layer.
    """
    layer, row = catalog.feature(zone_id)
    if layer.spec.id != "zones":
        raise UnknownFeatureError(f"{zone_id!r} is not a zone")
    zone = row.iloc[0]
    projects: list[tuple[str, pd.Series]] = []
    for project_layer in catalog.in_group("projects"):
        frame = project_layer.frame
        hit = frame[frame["zones"].map(lambda z: zone_id in (z or []))]
        hit = hit.assign(_rank=hit["status"].map(STATUSES.index)).sort_values(["_rank", "name_zh"])
        projects += [(project_layer.spec.id, r.drop("_rank")) for _, r in hit.iterrows()]
    counts: dict[str, dict[str, int]] = {}
    for layer_id, r in projects:
        counts.setdefault(layer_id, {}).setdefault(r["status"], 0)
        counts[layer_id][r["status"]] += 1
    members = None
    if "counties" in catalog.layers:
        counties = catalog.layers["counties"].frame
        codes: set[str] = set()
        for m in zone["members"]:
            codes |= set(boundaries.counties_of(m["adcode"]))
        members = counties[counties["adcode"].isin(codes)]
    return ZoneReport(zone, row, projects, counts, members)
